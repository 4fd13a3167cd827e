//! State access: storage (through the chain's per-call cache), transient storage, logs and
//! account queries. Each pays its base ink, checks ("requires") what the chain may charge,
//! then pays the gas the hook reports.

use world_mock::revm::primitives::{B256, Bytes};
use world_mock::stylus::gas::{
    ARBOS_CHARGING_FIXES, CACHE_ACCESS_GAS, COLD_ACCOUNT_GAS, COLD_SLOAD_GAS, SSTORE_SENTRY_GAS,
};

use crate::host::len32;
use crate::prices::{EVM_API_INK, HOSTIO_INK, PTR_INK, read_price, write_price};
use crate::{Escape, Host, Ptr};

/// `storage_load_bytes32(key, dest)`.
pub fn storage_load_bytes32(cx: &mut (impl Host + ?Sized), key: Ptr, dest: Ptr) -> Result<(), Escape> {
    cx.buy_ink(HOSTIO_INK + 2 * PTR_INK)?;
    // The request's own cost, charged by the chain on a cache miss; before ArbOS 32 nitro
    // charged the ink figure as gas.
    let api_gas =
        if cx.frame().arbos_version < ARBOS_CHARGING_FIXES { EVM_API_INK } else { EVM_API_INK / cx.frame().ink_price };
    cx.require_gas(COLD_SLOAD_GAS + CACHE_ACCESS_GAS + api_gas)?;
    let key = cx.read_b256(key)?;
    let gas_left = cx.gas_left()?;
    let (value, gas) = cx.hooks()?.storage_load(key, gas_left, api_gas).map_err(|e| cx.hook_error(e))?;
    cx.buy_gas(gas)?;
    cx.write(dest, value.as_slice())
}

/// `storage_cache_bytes32(key, value)`: writes the cache only (see `storage_flush_cache`).
pub fn storage_cache_bytes32(cx: &mut (impl Host + ?Sized), key: Ptr, value: Ptr) -> Result<(), Escape> {
    cx.buy_ink(HOSTIO_INK + 2 * PTR_INK)?;
    cx.require_gas(SSTORE_SENTRY_GAS + CACHE_ACCESS_GAS)?;
    let (key, value) = (cx.read_b256(key)?, cx.read_b256(value)?);
    let gas_left = cx.gas_left()?;
    let gas = cx.hooks()?.storage_cache(key, value, gas_left).map_err(|e| cx.hook_error(e))?;
    cx.buy_gas(gas)
}

/// `storage_flush_cache(clear)`: writes dirty slots to state.
pub fn storage_flush_cache(cx: &mut (impl Host + ?Sized), clear: bool) -> Result<(), Escape> {
    cx.buy_ink(HOSTIO_INK + EVM_API_INK)?;
    cx.require_gas(SSTORE_SENTRY_GAS)?;
    let gas_left = cx.gas_left()?;
    let gas = cx.hooks()?.storage_flush(clear, gas_left).map_err(|e| cx.hook_error(e))?;
    if cx.frame().arbos_version >= ARBOS_CHARGING_FIXES {
        cx.buy_gas(gas)?;
    }
    Ok(())
}

/// `transient_load_bytes32(key, dest)`.
pub fn transient_load_bytes32(cx: &mut (impl Host + ?Sized), key: Ptr, dest: Ptr) -> Result<(), Escape> {
    cx.buy_ink(HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
    let key = cx.read_b256(key)?;
    let (value, gas) = cx.hooks()?.transient_load(key).map_err(|e| cx.hook_error(e))?;
    cx.buy_gas(gas)?;
    cx.write(dest, value.as_slice())
}

/// `transient_store_bytes32(key, value)`.
pub fn transient_store_bytes32(cx: &mut (impl Host + ?Sized), key: Ptr, value: Ptr) -> Result<(), Escape> {
    cx.buy_ink(HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
    let (key, value) = (cx.read_b256(key)?, cx.read_b256(value)?);
    let gas = cx.hooks()?.transient_store(key, value).map_err(|e| cx.hook_error(e))?;
    cx.buy_gas(gas)
}

/// `emit_log(data, len, topics)`: the first `topics` words of `data` are the topics.
pub fn emit_log(cx: &mut (impl Host + ?Sized), data: Ptr, len: u32, topics: u32) -> Result<(), Escape> {
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
}

/// `account_balance(addr, dest)`.
pub fn account_balance(cx: &mut (impl Host + ?Sized), addr: Ptr, dest: Ptr) -> Result<(), Escape> {
    cx.buy_ink(HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
    cx.require_gas(COLD_ACCOUNT_GAS)?;
    let address = cx.read_address(addr)?;
    let gas_left = cx.gas_left()?;
    let (balance, gas) = cx.hooks()?.account_balance(address, gas_left).map_err(|e| cx.hook_error(e))?;
    cx.buy_gas(gas)?;
    cx.write(dest, &balance.to_be_bytes::<32>())
}

/// `account_codehash(addr, dest)`.
pub fn account_codehash(cx: &mut (impl Host + ?Sized), addr: Ptr, dest: Ptr) -> Result<(), Escape> {
    cx.buy_ink(HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
    cx.require_gas(COLD_ACCOUNT_GAS)?;
    let address = cx.read_address(addr)?;
    let gas_left = cx.gas_left()?;
    let (hash, gas) = cx.hooks()?.account_codehash(address, gas_left).map_err(|e| cx.hook_error(e))?;
    cx.buy_gas(gas)?;
    cx.write(dest, hash.as_slice())
}

/// `account_code(addr, offset, size, dest) -> written`: copies the overlapping part only.
pub fn account_code(
    cx: &mut (impl Host + ?Sized),
    addr: Ptr,
    offset: u32,
    size: u32,
    dest: Ptr,
) -> Result<u32, Escape> {
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
}

/// `account_code_size(addr) -> len`.
pub fn account_code_size(cx: &mut (impl Host + ?Sized), addr: Ptr) -> Result<u32, Escape> {
    cx.buy_ink(HOSTIO_INK + EVM_API_INK)?;
    cx.require_gas(COLD_ACCOUNT_GAS)?;
    let address = cx.read_address(addr)?;
    let gas_left = cx.gas_left()?;
    let (code, gas) = cx.hooks()?.account_code(address, gas_left).map_err(|e| cx.hook_error(e))?;
    cx.buy_gas(gas)?;
    Ok(len32(code.len()))
}
