//! Arguments, results, return data, hashing and memory growth.

use world_mock::revm::primitives::{Bytes, keccak256};

use crate::host::len32;
use crate::prices::{EVM_API_INK, HOSTIO_INK, keccak_price, read_price, write_price};
use crate::{Escape, Host, Ptr};

/// `read_args(dest)`: copies the calldata into the guest.
pub fn read_args(cx: &mut (impl Host + ?Sized), dest: Ptr) -> Result<(), Escape> {
    cx.buy_ink(HOSTIO_INK)?;
    let args = cx.frame().args.clone();
    cx.buy_ink(write_price(len32(args.len())))?;
    cx.write(dest, &args)
}

/// `write_result(ptr, len)`: sets the output; the last call wins. Does not exit.
pub fn write_result(cx: &mut (impl Host + ?Sized), ptr: Ptr, len: u32) -> Result<(), Escape> {
    cx.buy_ink(HOSTIO_INK)?;
    cx.buy_ink(read_price(len))?;
    cx.buy_ink(read_price(len))?; // read again by the chain
    let outs = Bytes::from(cx.read(ptr, len)?);
    cx.frame().outs = outs;
    Ok(())
}

/// `exit_early(status)`: ends the frame as if the entrypoint returned `status`.
pub fn exit_early(_cx: &mut (impl Host + ?Sized), status: u32) -> Result<(), Escape> {
    Err(Escape::Exit(status))
}

/// `pay_for_memory_grow(pages)`: inserted before `memory.grow`. Only the low 16 bits count
/// (nitro's `u16`); larger deltas then fail to grow anyway.
pub fn pay_for_memory_grow(cx: &mut (impl Host + ?Sized), pages: u32) -> Result<(), Escape> {
    let pages = pages as u16;
    if pages == 0 {
        return cx.buy_ink(HOSTIO_INK);
    }
    let gas = cx.hooks()?.add_pages(pages);
    cx.buy_gas(gas)
}

/// `native_keccak256(input, len, out)`.
pub fn native_keccak256(cx: &mut (impl Host + ?Sized), input: Ptr, len: u32, out: Ptr) -> Result<(), Escape> {
    cx.buy_ink(keccak_price(len))?;
    let preimage = cx.read(input, len)?;
    cx.write(out, keccak256(preimage).as_slice())
}

/// `return_data_size() -> len` of the last call or create.
pub fn return_data_size(cx: &mut (impl Host + ?Sized)) -> Result<u32, Escape> {
    cx.buy_ink(HOSTIO_INK)?;
    Ok(cx.frame().return_data_len)
}

/// `read_return_data(dest, offset, size) -> written`: copies the overlapping part only and
/// pays only for the bytes that could be written.
pub fn read_return_data(cx: &mut (impl Host + ?Sized), dest: Ptr, offset: u32, size: u32) -> Result<u32, Escape> {
    cx.buy_ink(HOSTIO_INK + EVM_API_INK)?;
    let max = cx.frame().return_data_len.saturating_sub(offset);
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
}
