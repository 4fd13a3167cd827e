//! 256-bit arithmetic on big-endian words in guest memory; the result overwrites the first
//! operand. Division or modulo by zero gives zero (EVM semantics); `pow` wraps.

use world_mock::revm::primitives::U256;

use crate::prices::{ADD_MOD_INK, DIV_INK, HOSTIO_INK, MUL_MOD_INK, PTR_INK, pow_price};
use crate::{Escape, Host, Ptr};

fn binary(
    cx: &mut (impl Host + ?Sized),
    ink: u64,
    value: Ptr,
    other: Ptr,
    op: fn(U256, U256) -> U256,
) -> Result<(), Escape> {
    cx.buy_ink(ink)?;
    let (a, b) = (cx.read_u256(value)?, cx.read_u256(other)?);
    cx.write(value, &op(a, b).to_be_bytes::<32>())
}

fn ternary(
    cx: &mut (impl Host + ?Sized),
    ink: u64,
    [value, b, m]: [Ptr; 3],
    op: fn(U256, U256, U256) -> U256,
) -> Result<(), Escape> {
    cx.buy_ink(ink)?;
    let (a, b, m) = (cx.read_u256(value)?, cx.read_u256(b)?, cx.read_u256(m)?);
    cx.write(value, &op(a, b, m).to_be_bytes::<32>())
}

/// `math_div(value, divisor)`.
pub fn math_div(cx: &mut (impl Host + ?Sized), value: Ptr, divisor: Ptr) -> Result<(), Escape> {
    binary(cx, HOSTIO_INK + 3 * PTR_INK + DIV_INK, value, divisor, |a, b| a.checked_div(b).unwrap_or_default())
}

/// `math_mod(value, modulus)`.
pub fn math_mod(cx: &mut (impl Host + ?Sized), value: Ptr, modulus: Ptr) -> Result<(), Escape> {
    binary(cx, HOSTIO_INK + 3 * PTR_INK + DIV_INK, value, modulus, |a, b| a.checked_rem(b).unwrap_or_default())
}

/// `math_pow(value, exponent)`: base ink plus a price growing with the exponent's size.
pub fn math_pow(cx: &mut (impl Host + ?Sized), value: Ptr, exponent: Ptr) -> Result<(), Escape> {
    cx.buy_ink(HOSTIO_INK + 3 * PTR_INK)?;
    let a = cx.read_u256(value)?;
    let e = cx.read_fixed::<32>(exponent)?;
    cx.buy_ink(pow_price(&e))?;
    cx.write(value, &a.wrapping_pow(U256::from_be_bytes(e)).to_be_bytes::<32>())
}

/// `math_add_mod(value, addend, modulus)`.
pub fn math_add_mod(cx: &mut (impl Host + ?Sized), value: Ptr, addend: Ptr, modulus: Ptr) -> Result<(), Escape> {
    ternary(cx, HOSTIO_INK + 4 * PTR_INK + ADD_MOD_INK, [value, addend, modulus], U256::add_mod)
}

/// `math_mul_mod(value, multiplier, modulus)`.
pub fn math_mul_mod(cx: &mut (impl Host + ?Sized), value: Ptr, multiplier: Ptr, modulus: Ptr) -> Result<(), Escape> {
    ternary(cx, HOSTIO_INK + 4 * PTR_INK + MUL_MOD_INK, [value, multiplier, modulus], U256::mul_mod)
}
