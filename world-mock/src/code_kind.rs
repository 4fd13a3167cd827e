//! Which VM runs a piece of code: decided by its first bytes, as Arbitrum does.

/// The prefix of on-chain Stylus code: `EF F0 00`, then a dictionary byte, then brotli(wasm).
pub const STYLUS_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x00];
/// The prefix of a Stylus program fragment (ArbOS 60+): `EF F0 01`, then a chunk of the
/// compressed stream.
pub const STYLUS_FRAGMENT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x01];
/// The prefix of a Stylus root program (ArbOS 60+): `EF F0 02`, a dictionary byte, the
/// decompressed length (u32, big-endian) and the 20-byte addresses of its fragments.
pub const STYLUS_ROOT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x02];

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

    /// Classifies code as a chain at `arbos_version` runs it (geth
    /// `IsStylusDeployableProgramPrefix`): no Stylus before ArbOS 30; root programs are Stylus
    /// from ArbOS 60. Fragments are never run as programs.
    pub fn at_version(code: &[u8], arbos_version: u64) -> Self {
        match Self::of(code) {
            Self::Stylus if arbos_version < 30 => Self::Evm,
            Self::Evm if arbos_version >= 60 && code.len() > 3 && code[..3] == STYLUS_ROOT_PREFIX => Self::Stylus,
            kind => kind,
        }
    }
}

/// EVM init code that deploys `runtime` unchanged: copy the code that follows this 12-byte (or,
/// for runtimes of 256 bytes or more, 14-byte) prefix to memory and return it. This is how a
/// Stylus program is deployed (`cargo stylus deploy` does the same), and how tests deploy raw code.
pub fn deployment_code(runtime: &[u8]) -> Vec<u8> {
    let len = runtime.len();
    let mut code = if len <= 0xff {
        // PUSH1 len DUP1 PUSH1 12 PUSH1 0 CODECOPY PUSH1 0 RETURN (+ 1 padding byte)
        vec![0x60, len as u8, 0x80, 0x60, 12, 0x60, 0, 0x39, 0x60, 0, 0xf3, 0x00]
    } else {
        // PUSH2 len DUP1 PUSH1 14 PUSH1 0 CODECOPY PUSH1 0 RETURN (+ 2 padding bytes)
        vec![0x61, (len >> 8) as u8, len as u8, 0x80, 0x60, 14, 0x60, 0, 0x39, 0x60, 0, 0xf3, 0x00, 0x00]
    };
    code.extend_from_slice(runtime);
    code
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

    #[test]
    fn roots_run_from_arbos_60_and_nothing_before_30() {
        let root = [0xEF, 0xF0, 0x02, 0x00, 0, 0, 0, 1];
        assert_eq!(CodeKind::at_version(&root, 50), CodeKind::Evm);
        assert_eq!(CodeKind::at_version(&root, 60), CodeKind::Stylus);
        assert_eq!(CodeKind::at_version(&[0xEF, 0xF0, 0x01, 0x00], 60), CodeKind::Evm);
        let classic = [0xEF, 0xF0, 0x00, 0x00, 0x1b];
        assert_eq!(CodeKind::at_version(&classic, 29), CodeKind::Evm);
        assert_eq!(CodeKind::at_version(&classic, 30), CodeKind::Stylus);
    }
}
