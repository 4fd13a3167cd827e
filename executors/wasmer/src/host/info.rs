//! Getters: message, transaction and block values, gas and ink left.

use wasmer::{FunctionEnvMut, RuntimeError};

use super::{HostData, hostio};
use crate::pricing::{HOSTIO_INK, PTR_INK};

type Env<'a> = FunctionEnvMut<'a, HostData>;

/// Getters that write a value through a pointer.
const PTR_GETTER_INK: u64 = HOSTIO_INK + PTR_INK;

/// `msg_sender(dest)`.
pub(crate) fn msg_sender(env: Env<'_>, dest: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(PTR_GETTER_INK)?;
        let caller = cx.data.caller;
        cx.write(dest, caller.as_slice())
    })
}

/// `msg_value(dest)`.
pub(crate) fn msg_value(env: Env<'_>, dest: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(PTR_GETTER_INK)?;
        let value = cx.data.value;
        cx.write(dest, &value.to_be_bytes::<32>())
    })
}

/// `contract_address(dest)`.
pub(crate) fn contract_address(env: Env<'_>, dest: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(PTR_GETTER_INK)?;
        let contract = cx.data.contract;
        cx.write(dest, contract.as_slice())
    })
}

/// `msg_reentrant() -> bool`.
pub(crate) fn msg_reentrant(env: Env<'_>) -> Result<u32, RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK)?;
        Ok(u32::from(cx.hooks()?.msg_reentrant()))
    })
}

/// `tx_origin(dest)`.
pub(crate) fn tx_origin(env: Env<'_>, dest: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(PTR_GETTER_INK)?;
        let origin = cx.env()?.origin;
        cx.write(dest, origin.as_slice())
    })
}

/// `tx_gas_price(dest)`.
pub(crate) fn tx_gas_price(env: Env<'_>, dest: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(PTR_GETTER_INK)?;
        let price = cx.env()?.gas_price;
        cx.write(dest, &price.to_be_bytes::<32>())
    })
}

/// `tx_ink_price() -> ink per gas`.
pub(crate) fn tx_ink_price(env: Env<'_>) -> Result<u32, RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK)?;
        Ok(u32::try_from(cx.data.ink_price).unwrap_or(u32::MAX))
    })
}

/// `block_basefee(dest)`.
pub(crate) fn block_basefee(env: Env<'_>, dest: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(PTR_GETTER_INK)?;
        let basefee = cx.env()?.basefee;
        cx.write(dest, &basefee.to_be_bytes::<32>())
    })
}

/// `block_coinbase(dest)`.
pub(crate) fn block_coinbase(env: Env<'_>, dest: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(PTR_GETTER_INK)?;
        let coinbase = cx.env()?.coinbase;
        cx.write(dest, coinbase.as_slice())
    })
}

/// `block_gas_limit() -> u64`.
pub(crate) fn block_gas_limit(env: Env<'_>) -> Result<u64, RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK)?;
        Ok(cx.env()?.gas_limit)
    })
}

/// `block_number() -> u64` (the chain's notion; nitro gives an L1 block number estimate).
pub(crate) fn block_number(env: Env<'_>) -> Result<u64, RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK)?;
        Ok(cx.env()?.number)
    })
}

/// `block_timestamp() -> u64`.
pub(crate) fn block_timestamp(env: Env<'_>) -> Result<u64, RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK)?;
        Ok(cx.env()?.timestamp)
    })
}

/// `chainid() -> u64`.
pub(crate) fn chainid(env: Env<'_>) -> Result<u64, RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK)?;
        Ok(cx.env()?.chain_id)
    })
}

/// `evm_gas_left() -> gas` after paying for this hostio.
pub(crate) fn evm_gas_left(env: Env<'_>) -> Result<u64, RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK)?;
        cx.gas_left()
    })
}

/// `evm_ink_left() -> ink` after paying for this hostio.
pub(crate) fn evm_ink_left(env: Env<'_>) -> Result<u64, RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK)?;
        cx.ink_ready()
    })
}
