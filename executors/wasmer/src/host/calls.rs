//! Nested calls and creates. The chain runs them (possibly reaching another Stylus frame, which
//! gets its own store and hooks) and reports the gas to charge; the status byte is 0 on success
//! and 2 otherwise, and the return data stays readable through `read_return_data`.

use wasmer::{FunctionEnvMut, RuntimeError};
use world_mock::revm::primitives::{Address, Bytes, U256};
use world_mock::stylus::CallKind;

use super::{Ctx, Escape, HostData, hostio, len32};
use crate::pricing::{EVM_API_INK, HOSTIO_INK, PTR_INK, read_price};

type Env<'a> = FunctionEnvMut<'a, HostData>;

const CALL_BASE_INK: u64 = HOSTIO_INK + 3 * PTR_INK + EVM_API_INK;
const CREATE2_BASE_INK: u64 = HOSTIO_INK + 4 * PTR_INK + EVM_API_INK;

/// The arguments shared by the three call hostios.
struct CallArgs {
    kind: CallKind,
    addr: u32,
    data: u32,
    len: u32,
    value: Option<u32>,
    gas: u64,
    ret_len: u32,
}

fn do_call(cx: &mut Ctx<'_>, args: CallArgs) -> Result<u32, Escape> {
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
    let result = cx.hooks()?.call(args.kind, to, input, value, gas_left, gas_req).map_err(|e| cx.hook_error(e))?;
    cx.buy_gas(result.gas_cost)?;
    let outs_len = len32(cx.hooks()?.return_data().len());
    cx.data.return_data_len = outs_len;
    cx.write_u32(args.ret_len, outs_len)?;
    Ok(u32::from(result.status))
}

/// `call_contract(addr, data, len, value, gas, ret_len_ptr) -> status`.
pub(crate) fn call_contract(
    env: Env<'_>,
    addr: u32,
    data: u32,
    len: u32,
    value: u32,
    gas: u64,
    ret_len: u32,
) -> Result<u32, RuntimeError> {
    hostio(env, |cx| do_call(cx, CallArgs { kind: CallKind::Call, addr, data, len, value: Some(value), gas, ret_len }))
}

/// `delegate_call_contract(addr, data, len, gas, ret_len_ptr) -> status`.
pub(crate) fn delegate_call_contract(
    env: Env<'_>,
    addr: u32,
    data: u32,
    len: u32,
    gas: u64,
    ret_len: u32,
) -> Result<u32, RuntimeError> {
    hostio(env, |cx| do_call(cx, CallArgs { kind: CallKind::Delegate, addr, data, len, value: None, gas, ret_len }))
}

/// `static_call_contract(addr, data, len, gas, ret_len_ptr) -> status`.
pub(crate) fn static_call_contract(
    env: Env<'_>,
    addr: u32,
    data: u32,
    len: u32,
    gas: u64,
    ret_len: u32,
) -> Result<u32, RuntimeError> {
    hostio(env, |cx| do_call(cx, CallArgs { kind: CallKind::Static, addr, data, len, value: None, gas, ret_len }))
}

/// The arguments shared by the two create hostios.
struct CreateArgs {
    code: u32,
    len: u32,
    endowment: u32,
    salt: Option<u32>,
    addr_out: u32,
    revert_len_out: u32,
}

fn do_create(cx: &mut Ctx<'_>, args: CreateArgs) -> Result<(), Escape> {
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
    let result = cx.hooks()?.create(code, endowment, salt, gas_left).map_err(|e| cx.hook_error(e))?;
    cx.buy_gas(result.gas_cost)?;
    let ret_len = len32(cx.hooks()?.return_data().len());
    cx.data.return_data_len = ret_len;
    cx.write_u32(args.revert_len_out, ret_len)?;
    cx.write(args.addr_out, result.created.unwrap_or(Address::ZERO).as_slice())
}

/// `create1(code, code_len, endowment, addr_out, revert_len_out)`.
pub(crate) fn create1(
    env: Env<'_>,
    code: u32,
    len: u32,
    endowment: u32,
    addr_out: u32,
    revert_len_out: u32,
) -> Result<(), RuntimeError> {
    hostio(env, |cx| do_create(cx, CreateArgs { code, len, endowment, salt: None, addr_out, revert_len_out }))
}

/// `create2(code, code_len, endowment, salt, addr_out, revert_len_out)`.
pub(crate) fn create2(
    env: Env<'_>,
    code: u32,
    len: u32,
    endowment: u32,
    salt: u32,
    addr_out: u32,
    revert_len_out: u32,
) -> Result<(), RuntimeError> {
    hostio(env, |cx| do_create(cx, CreateArgs { code, len, endowment, salt: Some(salt), addr_out, revert_len_out }))
}
