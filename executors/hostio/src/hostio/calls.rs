//! Nested calls and creates. The chain runs them (possibly reaching another Stylus frame, which
//! gets its own host) and reports the gas to charge; the status byte is 0 on success and 2
//! otherwise, and the return data stays readable through `read_return_data`.

use world_mock::revm::primitives::{Address, Bytes, U256};
use world_mock::stylus::CallKind;

use crate::host::len32;
use crate::prices::{EVM_API_INK, HOSTIO_INK, PTR_INK, read_price};
use crate::{Escape, Host, Ptr};

const CALL_BASE_INK: u64 = HOSTIO_INK + 3 * PTR_INK + EVM_API_INK;
const CREATE2_BASE_INK: u64 = HOSTIO_INK + 4 * PTR_INK + EVM_API_INK;

/// The arguments shared by the three call hostios.
struct CallArgs {
    kind: CallKind,
    addr: Ptr,
    data: Ptr,
    len: u32,
    value: Option<Ptr>,
    gas: u64,
    ret_len: Ptr,
}

fn do_call(cx: &mut (impl Host + ?Sized), args: CallArgs) -> Result<u8, Escape> {
    cx.buy_ink(CALL_BASE_INK)?;
    cx.buy_ink(read_price(args.len))?;
    cx.buy_ink(read_price(args.len))?; // read again by the chain
    let gas_left = cx.gas_left()?;
    let gas_req = args.gas.min(gas_left);
    let to = cx.read_address(args.addr)?;
    let input = Bytes::from(cx.read(args.data, args.len)?);
    let value = match args.value {
        Some(ptr) => cx.read_u256(ptr)?,
        None => U256::ZERO,
    };
    crate::profile::announce_call_site(cx)?;
    let result = cx.hooks()?.call(args.kind, to, input, value, gas_left, gas_req).map_err(|e| cx.hook_error(e))?;
    cx.buy_gas(result.gas_cost)?;
    let outs_len = len32(cx.hooks()?.return_data().len());
    cx.frame().return_data_len = outs_len;
    cx.write_len(args.ret_len, outs_len)?;
    Ok(result.status)
}

/// `call_contract(addr, data, len, value, gas, ret_len_ptr) -> status` (0, or 2 on failure).
pub fn call_contract(
    cx: &mut (impl Host + ?Sized),
    addr: Ptr,
    data: Ptr,
    len: u32,
    value: Ptr,
    gas: u64,
    ret_len: Ptr,
) -> Result<u8, Escape> {
    do_call(cx, CallArgs { kind: CallKind::Call, addr, data, len, value: Some(value), gas, ret_len })
}

/// `delegate_call_contract(addr, data, len, gas, ret_len_ptr) -> status`.
pub fn delegate_call_contract(
    cx: &mut (impl Host + ?Sized),
    addr: Ptr,
    data: Ptr,
    len: u32,
    gas: u64,
    ret_len: Ptr,
) -> Result<u8, Escape> {
    do_call(cx, CallArgs { kind: CallKind::Delegate, addr, data, len, value: None, gas, ret_len })
}

/// `static_call_contract(addr, data, len, gas, ret_len_ptr) -> status`.
pub fn static_call_contract(
    cx: &mut (impl Host + ?Sized),
    addr: Ptr,
    data: Ptr,
    len: u32,
    gas: u64,
    ret_len: Ptr,
) -> Result<u8, Escape> {
    do_call(cx, CallArgs { kind: CallKind::Static, addr, data, len, value: None, gas, ret_len })
}

/// The arguments shared by the two create hostios.
struct CreateArgs {
    code: Ptr,
    len: u32,
    endowment: Ptr,
    salt: Option<Ptr>,
    addr_out: Ptr,
    revert_len_out: Ptr,
}

fn do_create(cx: &mut (impl Host + ?Sized), args: CreateArgs) -> Result<(), Escape> {
    cx.buy_ink(if args.salt.is_some() { CREATE2_BASE_INK } else { CALL_BASE_INK })?;
    cx.buy_ink(read_price(args.len))?;
    cx.buy_ink(read_price(args.len))?; // read again by the chain
    let code = Bytes::from(cx.read(args.code, args.len)?);
    let endowment = cx.read_u256(args.endowment)?;
    let salt = match args.salt {
        Some(ptr) => Some(cx.read_b256(ptr)?),
        None => None,
    };
    let gas_left = cx.gas_left()?;
    crate::profile::announce_call_site(cx)?;
    let result = cx.hooks()?.create(code, endowment, salt, gas_left).map_err(|e| cx.hook_error(e))?;
    cx.buy_gas(result.gas_cost)?;
    let ret_len = len32(cx.hooks()?.return_data().len());
    cx.frame().return_data_len = ret_len;
    cx.write_len(args.revert_len_out, ret_len)?;
    cx.write(args.addr_out, result.created.unwrap_or(Address::ZERO).as_slice())
}

/// `create1(code, code_len, endowment, addr_out, revert_len_out)`.
pub fn create1(
    cx: &mut (impl Host + ?Sized),
    code: Ptr,
    len: u32,
    endowment: Ptr,
    addr_out: Ptr,
    revert_len_out: Ptr,
) -> Result<(), Escape> {
    do_create(cx, CreateArgs { code, len, endowment, salt: None, addr_out, revert_len_out })
}

/// `create2(code, code_len, endowment, salt, addr_out, revert_len_out)`.
pub fn create2(
    cx: &mut (impl Host + ?Sized),
    code: Ptr,
    len: u32,
    endowment: Ptr,
    salt: Ptr,
    addr_out: Ptr,
    revert_len_out: Ptr,
) -> Result<(), Escape> {
    do_create(cx, CreateArgs { code, len, endowment, salt: Some(salt), addr_out, revert_len_out })
}
