//! Which VM runs a piece of code: decided by its first bytes, as Arbitrum does.

/// The prefix of on-chain Stylus code: `EF F0 00`, then a dictionary byte, then brotli(wasm).
pub const STYLUS_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x00];

/// What kind of code an account holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CodeKind {
    /// No code: an externally owned account.
    Empty,
    /// EVM bytecode, run by revm.
    Evm,
    /// A Stylus program (`EF F0 00` + dictionary byte + compressed WASM), run by a Stylus executor.
    Stylus,
}

impl CodeKind {
    /// Classifies raw code bytes. Stylus needs more than the 3-byte prefix (nitro's rule).
    pub fn of(code: &[u8]) -> Self {
        if code.is_empty() {
            Self::Empty
        } else if code.len() > 3 && code[..3] == STYLUS_PREFIX {
            Self::Stylus
        } else {
            Self::Evm
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_prefix() {
        assert_eq!(CodeKind::of(&[]), CodeKind::Empty);
        assert_eq!(CodeKind::of(&[0x60, 0x00]), CodeKind::Evm);
        assert_eq!(CodeKind::of(&[0xEF, 0xF0, 0x00, 0x00, 0x1b]), CodeKind::Stylus);
        // The bare prefix is not a program.
        assert_eq!(CodeKind::of(&[0xEF, 0xF0, 0x00]), CodeKind::Evm);
        assert_eq!(CodeKind::of(&[0xEF, 0xF0, 0x01, 0x00]), CodeKind::Evm);
    }
}
