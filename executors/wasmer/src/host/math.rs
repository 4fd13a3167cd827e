//! 256-bit arithmetic on big-endian words in guest memory; the result overwrites the first
//! operand. Division or modulo by zero gives zero (EVM semantics); `pow` wraps.

use wasmer::{FunctionEnvMut, RuntimeError};
use world_mock::revm::primitives::U256;

use super::{HostData, hostio};
use crate::pricing::{ADD_MOD_INK, DIV_INK, HOSTIO_INK, MUL_MOD_INK, PTR_INK, pow_price};

type Env<'a> = FunctionEnvMut<'a, HostData>;

fn binary(env: Env<'_>, ink: u64, value: u32, other: u32, op: fn(U256, U256) -> U256) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(ink)?;
        let (a, b) = (cx.read_u256(value)?, cx.read_u256(other)?);
        cx.write(value, &op(a, b).to_be_bytes::<32>())
    })
}

fn ternary(
    env: Env<'_>,
    ink: u64,
    [value, b, m]: [u32; 3],
    op: fn(U256, U256, U256) -> U256,
) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(ink)?;
        let (a, b, m) = (cx.read_u256(value)?, cx.read_u256(b)?, cx.read_u256(m)?);
        cx.write(value, &op(a, b, m).to_be_bytes::<32>())
    })
}

/// `math_div(value, divisor)`.
pub(crate) fn math_div(env: Env<'_>, value: u32, divisor: u32) -> Result<(), RuntimeError> {
    binary(env, HOSTIO_INK + 3 * PTR_INK + DIV_INK, value, divisor, |a, b| a.checked_div(b).unwrap_or_default())
}

/// `math_mod(value, modulus)`.
pub(crate) fn math_mod(env: Env<'_>, value: u32, modulus: u32) -> Result<(), RuntimeError> {
    binary(env, HOSTIO_INK + 3 * PTR_INK + DIV_INK, value, modulus, |a, b| a.checked_rem(b).unwrap_or_default())
}

/// `math_pow(value, exponent)`: base ink plus a price growing with the exponent's size.
pub(crate) fn math_pow(env: Env<'_>, value: u32, exponent: u32) -> Result<(), RuntimeError> {
    hostio(env, |cx| {
        cx.buy_ink(HOSTIO_INK + 3 * PTR_INK)?;
        let a = cx.read_u256(value)?;
        let e = cx.read_fixed::<32>(exponent)?;
        cx.buy_ink(pow_price(&e))?;
        cx.write(value, &a.wrapping_pow(U256::from_be_bytes(e)).to_be_bytes::<32>())
    })
}

/// `math_add_mod(value, addend, modulus)`.
pub(crate) fn math_add_mod(env: Env<'_>, value: u32, addend: u32, modulus: u32) -> Result<(), RuntimeError> {
    ternary(env, HOSTIO_INK + 4 * PTR_INK + ADD_MOD_INK, [value, addend, modulus], U256::add_mod)
}

/// `math_mul_mod(value, multiplier, modulus)`.
pub(crate) fn math_mul_mod(env: Env<'_>, value: u32, multiplier: u32, modulus: u32) -> Result<(), RuntimeError> {
    ternary(env, HOSTIO_INK + 4 * PTR_INK + MUL_MOD_INK, [value, multiplier, modulus], U256::mul_mod)
}
