//! Arguments, results, return data, hashing and memory growth.

use wasmer::{FunctionEnvMut, RuntimeError};
use world_mock::revm::primitives::{Bytes, keccak256};

use super::{Escape, HostData, hostio, len32};
use crate::pricing::{EVM_API_INK, HOSTIO_INK, keccak_price, read_price, write_price};

type Env<'a> = FunctionEnvMut<'a, HostData>;

/// `read_args(dest)`: copies the calldata into the guest.
pub(crate) fn read_args(env: Env<'_>, dest: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK)?;
        let args = cx.data.args.clone();
        cx.buy_ink(write_price(len32(args.len())))?;
        cx.write(dest, &args)
    })
}

/// `write_result(ptr, len)`: sets the output; the last call wins. Does not exit.
pub(crate) fn write_result(env: Env<'_>, ptr: u32, len: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK)?;
        cx.buy_ink(read_price(len))?;
        cx.buy_ink(read_price(len))?; // read again by the chain
        cx.data.outs = Bytes::from(cx.read(ptr, len)?);
        Ok(())
    })
}

/// `exit_early(status)`: ends the frame as if the entrypoint returned `status`.
pub(crate) fn exit_early(env: Env<'_>, status: u32) -> Result<(), RuntimeError> {
    hostio(env, |_| Err(Escape::Exit(status)))
}

/// `pay_for_memory_grow(pages)`: inserted before `memory.grow`; `pages` is read as a `u16`
/// (wasmer's conversion truncates larger deltas, which then fail to grow anyway).
pub(crate) fn pay_for_memory_grow(env: Env<'_>, pages: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        let pages = pages as u16;
        if pages == 0 {
            return cx.buy_ink(HOSTIO_INK);
        }
        let gas = cx.hooks()?.add_pages(pages);
        cx.buy_gas(gas)
    })
}

/// `native_keccak256(input, len, out)`.
pub(crate) fn native_keccak256(env: Env<'_>, input: u32, len: u32, out: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(keccak_price(len))?;
        let preimage = cx.read(input, len)?;
        cx.write(out, keccak256(preimage).as_slice())
    })
}

/// `return_data_size() -> len` of the last call or create.
pub(crate) fn return_data_size(env: Env<'_>) -> Result<u32, RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK)?;
        Ok(cx.data.return_data_len)
    })
}

/// `read_return_data(dest, offset, size) -> written`: copies the overlapping part only and
/// pays only for the bytes that could be written.
pub(crate) fn read_return_data(env: Env<'_>, dest: u32, offset: u32, size: u32) -> Result<u32, RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK + EVM_API_INK)?;
        let max = cx.data.return_data_len.saturating_sub(offset);
        cx.buy_ink(write_price(size.min(max)))?;
        if max == 0 {
            return Ok(0);
        }
        let data = cx.hooks()?.return_data();
        let start = (offset as usize).min(data.len());
        let end = (offset.saturating_add(size) as usize).min(data.len());
        let slice = data[start..end].to_vec();
        if !slice.is_empty() {
            cx.write(dest, &slice)?;
        }
        Ok(len32(slice.len()))
    })
}
