//! Getters: message, transaction and block values, gas and ink left.

use crate::prices::{HOSTIO_INK, PTR_INK};
use crate::{Escape, Host, Ptr};

/// Getters that write a value through a pointer.
const PTR_GETTER_INK: u64 = HOSTIO_INK + PTR_INK;

/// `msg_sender(dest)`.
pub fn msg_sender(cx: &mut (impl Host + ?Sized), dest: Ptr) -> Result<(), Escape> {
    cx.buy_ink(PTR_GETTER_INK)?;
    let caller = cx.frame().caller;
    cx.write(dest, caller.as_slice())
}

/// `msg_value(dest)`.
pub fn msg_value(cx: &mut (impl Host + ?Sized), dest: Ptr) -> Result<(), Escape> {
    cx.buy_ink(PTR_GETTER_INK)?;
    let value = cx.frame().value;
    cx.write(dest, &value.to_be_bytes::<32>())
}

/// `contract_address(dest)`.
pub fn contract_address(cx: &mut (impl Host + ?Sized), dest: Ptr) -> Result<(), Escape> {
    cx.buy_ink(PTR_GETTER_INK)?;
    let contract = cx.frame().contract;
    cx.write(dest, contract.as_slice())
}

/// `msg_reentrant() -> bool`.
pub fn msg_reentrant(cx: &mut (impl Host + ?Sized)) -> Result<bool, Escape> {
    cx.buy_ink(HOSTIO_INK)?;
    Ok(cx.hooks()?.msg_reentrant())
}

/// `tx_origin(dest)`.
pub fn tx_origin(cx: &mut (impl Host + ?Sized), dest: Ptr) -> Result<(), Escape> {
    cx.buy_ink(PTR_GETTER_INK)?;
    let origin = cx.env()?.origin;
    cx.write(dest, origin.as_slice())
}

/// `tx_gas_price(dest)`.
pub fn tx_gas_price(cx: &mut (impl Host + ?Sized), dest: Ptr) -> Result<(), Escape> {
    cx.buy_ink(PTR_GETTER_INK)?;
    let price = cx.env()?.gas_price;
    cx.write(dest, &price.to_be_bytes::<32>())
}

/// `tx_ink_price() -> ink per gas`.
pub fn tx_ink_price(cx: &mut (impl Host + ?Sized)) -> Result<u32, Escape> {
    cx.buy_ink(HOSTIO_INK)?;
    Ok(u32::try_from(cx.frame().ink_price).unwrap_or(u32::MAX))
}

/// `block_basefee(dest)`.
pub fn block_basefee(cx: &mut (impl Host + ?Sized), dest: Ptr) -> Result<(), Escape> {
    cx.buy_ink(PTR_GETTER_INK)?;
    let basefee = cx.env()?.basefee;
    cx.write(dest, &basefee.to_be_bytes::<32>())
}

/// `block_coinbase(dest)`.
pub fn block_coinbase(cx: &mut (impl Host + ?Sized), dest: Ptr) -> Result<(), Escape> {
    cx.buy_ink(PTR_GETTER_INK)?;
    let coinbase = cx.env()?.coinbase;
    cx.write(dest, coinbase.as_slice())
}

/// `block_gas_limit() -> u64`.
pub fn block_gas_limit(cx: &mut (impl Host + ?Sized)) -> Result<u64, Escape> {
    cx.buy_ink(HOSTIO_INK)?;
    Ok(cx.env()?.gas_limit)
}

/// `block_number() -> u64` (the chain's notion; nitro gives an L1 block number estimate).
pub fn block_number(cx: &mut (impl Host + ?Sized)) -> Result<u64, Escape> {
    cx.buy_ink(HOSTIO_INK)?;
    Ok(cx.env()?.number)
}

/// `block_timestamp() -> u64`.
pub fn block_timestamp(cx: &mut (impl Host + ?Sized)) -> Result<u64, Escape> {
    cx.buy_ink(HOSTIO_INK)?;
    Ok(cx.env()?.timestamp)
}

/// `chainid() -> u64`.
pub fn chainid(cx: &mut (impl Host + ?Sized)) -> Result<u64, Escape> {
    cx.buy_ink(HOSTIO_INK)?;
    Ok(cx.env()?.chain_id)
}

/// `evm_gas_left() -> gas` after paying for this hostio.
pub fn evm_gas_left(cx: &mut (impl Host + ?Sized)) -> Result<u64, Escape> {
    cx.buy_ink(HOSTIO_INK)?;
    cx.gas_left()
}

/// `evm_ink_left() -> ink` after paying for this hostio.
pub fn evm_ink_left(cx: &mut (impl Host + ?Sized)) -> Result<u64, Escape> {
    cx.buy_ink(HOSTIO_INK)?;
    cx.ink_ready()
}
