//! State access: storage (through the chain's per-call cache), transient storage, logs and
//! account queries. Each pays its base ink, checks ("requires") what the chain may charge,
//! then pays the gas the hook reports.

use wasmer::{FunctionEnvMut, RuntimeError};
use world_mock::revm::primitives::{B256, Bytes};

use super::{Escape, HostData, hostio, len32};
use crate::pricing::{EVM_API_INK, HOSTIO_INK, PTR_INK, read_price, write_price};

type Env<'a> = FunctionEnvMut<'a, HostData>;

/// Cold SLOAD (EIP-2929).
const COLD_SLOAD_GAS: u64 = 2_100;
/// Cold account access (EIP-2929).
const COLD_ACCOUNT_GAS: u64 = 2_600;
/// The SSTORE sentry (EIP-2200).
const SSTORE_SENTRY_GAS: u64 = 2_300;
/// Bookkeeping gas the storage cache may charge per access.
const CACHE_ACCESS_GAS: u64 = 10;
/// ArbOS version that fixed Stylus charging (flush gas, SLOAD request cost).
const ARBOS_CHARGING_FIXES: u64 = 32;

/// `storage_load_bytes32(key, dest)`.
pub(crate) fn storage_load_bytes32(env: Env<'_>, key: u32, dest: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK + 2 * PTR_INK)?;
        // the request's own cost; before ArbOS 32 nitro charged the ink figure as gas
        let api_gas =
            if cx.data.arbos_version < ARBOS_CHARGING_FIXES { EVM_API_INK } else { EVM_API_INK / cx.data.ink_price };
        cx.require_gas(COLD_SLOAD_GAS + CACHE_ACCESS_GAS + api_gas)?;
        let key = cx.read_b256(key)?;
        let gas_left = cx.gas_left()?;
        let (value, gas) = cx.hooks()?.storage_load(key, gas_left).map_err(|e| cx.hook_error(e))?;
        cx.buy_gas(gas)?;
        cx.write(dest, value.as_slice())
    })
}

/// `storage_cache_bytes32(key, value)`: writes the cache only (see `storage_flush_cache`).
pub(crate) fn storage_cache_bytes32(env: Env<'_>, key: u32, value: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK + 2 * PTR_INK)?;
        cx.require_gas(SSTORE_SENTRY_GAS + CACHE_ACCESS_GAS)?;
        let (key, value) = (cx.read_b256(key)?, cx.read_b256(value)?);
        let gas_left = cx.gas_left()?;
        let gas = cx.hooks()?.storage_cache(key, value, gas_left).map_err(|e| cx.hook_error(e))?;
        cx.buy_gas(gas)
    })
}

/// `storage_flush_cache(clear)`: writes dirty slots to state.
pub(crate) fn storage_flush_cache(env: Env<'_>, clear: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK + EVM_API_INK)?;
        cx.require_gas(SSTORE_SENTRY_GAS)?;
        let gas_left = cx.gas_left()?;
        let gas = cx.hooks()?.storage_flush(clear != 0, gas_left).map_err(|e| cx.hook_error(e))?;
        if cx.data.arbos_version >= ARBOS_CHARGING_FIXES {
            cx.buy_gas(gas)?;
        }
        Ok(())
    })
}

/// `transient_load_bytes32(key, dest)`.
pub(crate) fn transient_load_bytes32(env: Env<'_>, key: u32, dest: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
        let key = cx.read_b256(key)?;
        let (value, gas) = cx.hooks()?.transient_load(key).map_err(|e| cx.hook_error(e))?;
        cx.buy_gas(gas)?;
        cx.write(dest, value.as_slice())
    })
}

/// `transient_store_bytes32(key, value)`.
pub(crate) fn transient_store_bytes32(env: Env<'_>, key: u32, value: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
        let (key, value) = (cx.read_b256(key)?, cx.read_b256(value)?);
        let gas = cx.hooks()?.transient_store(key, value).map_err(|e| cx.hook_error(e))?;
        cx.buy_gas(gas)
    })
}

/// `emit_log(data, len, topics)`: the first `topics` words of `data` are the topics.
pub(crate) fn emit_log(env: Env<'_>, data: u32, len: u32, topics: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK + EVM_API_INK)?;
        if topics > 4 || len < topics * 32 {
            return Err(Escape::Failure(format!("bad topic data: {topics} topics in {len} bytes")));
        }
        cx.buy_ink(read_price(len))?;
        let bytes = cx.read(data, len)?;
        let split = topics as usize * 32;
        let topic_words = bytes[..split].chunks_exact(32).map(B256::from_slice).collect();
        let gas_left = cx.gas_left()?;
        let payload = Bytes::copy_from_slice(&bytes[split..]);
        let gas = cx.hooks()?.emit_log(topic_words, payload, gas_left).map_err(|e| cx.hook_error(e))?;
        cx.buy_gas(gas)
    })
}

/// `account_balance(addr, dest)`.
pub(crate) fn account_balance(env: Env<'_>, addr: u32, dest: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
        cx.require_gas(COLD_ACCOUNT_GAS)?;
        let address = cx.read_address(addr)?;
        let gas_left = cx.gas_left()?;
        let (balance, gas) = cx.hooks()?.account_balance(address, gas_left).map_err(|e| cx.hook_error(e))?;
        cx.buy_gas(gas)?;
        cx.write(dest, &balance.to_be_bytes::<32>())
    })
}

/// `account_codehash(addr, dest)`.
pub(crate) fn account_codehash(env: Env<'_>, addr: u32, dest: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
        cx.require_gas(COLD_ACCOUNT_GAS)?;
        let address = cx.read_address(addr)?;
        let gas_left = cx.gas_left()?;
        let (hash, gas) = cx.hooks()?.account_codehash(address, gas_left).map_err(|e| cx.hook_error(e))?;
        cx.buy_gas(gas)?;
        cx.write(dest, hash.as_slice())
    })
}

/// `account_code(addr, offset, size, dest) -> written`: copies the overlapping part only.
pub(crate) fn account_code(env: Env<'_>, addr: u32, offset: u32, size: u32, dest: u32) -> Result<u32, RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK + EVM_API_INK)?;
        cx.require_gas(COLD_ACCOUNT_GAS)?;
        let address = cx.read_address(addr)?;
        let gas_left = cx.gas_left()?;
        let (code, gas) = cx.hooks()?.account_code(address, gas_left).map_err(|e| cx.hook_error(e))?;
        cx.buy_gas(gas)?;
        cx.buy_ink(write_price(len32(code.len())))?;
        let start = (offset as usize).min(code.len());
        let end = (offset.saturating_add(size) as usize).min(code.len());
        cx.write(dest, &code[start..end])?;
        Ok(len32(end - start))
    })
}

/// `account_code_size(addr) -> len`.
pub(crate) fn account_code_size(env: Env<'_>, addr: u32) -> Result<u32, RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK + EVM_API_INK)?;
        cx.require_gas(COLD_ACCOUNT_GAS)?;
        let address = cx.read_address(addr)?;
        let gas_left = cx.gas_left()?;
        let (code, gas) = cx.hooks()?.account_code(address, gas_left).map_err(|e| cx.hook_error(e))?;
        cx.buy_gas(gas)?;
        Ok(len32(code.len()))
    })
}
