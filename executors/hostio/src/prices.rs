//! Hostio ink prices (nitro `crates/arbutil/src/pricing.rs`, stylus-semantics §2.3). The gas
//! the chain charges for state access is the world's (`world_mock::stylus::gas`).

/// Base ink of a hostio that may return something.
pub const HOSTIO_INK: u64 = 8_400;
/// Extra ink per pointer argument.
pub const PTR_INK: u64 = 13_440 - HOSTIO_INK;
/// Extra ink of a hostio that asks the chain for something.
pub const EVM_API_INK: u64 = 59_673;
/// Extra ink of a 256-bit division or modulo.
pub const DIV_INK: u64 = 20_000;
/// Extra ink of a 256-bit `mulmod`.
pub const MUL_MOD_INK: u64 = 24_100;
/// Extra ink of a 256-bit `addmod`.
pub const ADD_MOD_INK: u64 = 21_000;

/// Ink for copying `bytes` from the host into the guest.
pub fn write_price(bytes: u32) -> u64 {
    5_040 + 30 * u64::from(bytes.saturating_sub(32))
}

/// Ink for copying `bytes` from the guest into the host.
pub fn read_price(bytes: u32) -> u64 {
    16_381 + 55 * u64::from(bytes.saturating_sub(32))
}

/// Ink for hashing `bytes` with `native_keccak256` (the first two words are in the base).
pub fn keccak_price(bytes: u32) -> u64 {
    let words = u64::from(bytes).div_ceil(32);
    121_800 + 21_000 * words.saturating_sub(2)
}

/// Ink for the variable part of `math_pow`: cheaper for each leading zero byte of the exponent.
pub fn pow_price(exponent: &[u8; 32]) -> u64 {
    let leading_zero_bytes = exponent.iter().take_while(|b| **b == 0).count() as u64;
    3_000 + 17_500 * (33 - leading_zero_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostio_prices() {
        assert_eq!(PTR_INK, 5_040);
        assert_eq!(write_price(0), 5_040);
        assert_eq!(write_price(33), 5_070);
        assert_eq!(read_price(64), 16_381 + 55 * 32);
        assert_eq!(keccak_price(0), 121_800);
        assert_eq!(keccak_price(64), 121_800);
        assert_eq!(keccak_price(65), 142_800);
        assert_eq!(pow_price(&[0; 32]), 20_500);
        let mut big = [0u8; 32];
        big[0] = 1;
        assert_eq!(pow_price(&big), 3_000 + 33 * 17_500);
    }
}
