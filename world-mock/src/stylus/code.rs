//! The on-chain Stylus code format (stylus-semantics §1.1): `EF F0 00`, a dictionary byte, then
//! the brotli-compressed WASM. Only dictionary 0 (none) is supported.
//!
//! From ArbOS 60 a program may also be a root (`EF F0 02`, dictionary byte, decompressed length
//! u32 BE, 20-byte fragment addresses) whose compressed stream is the concatenation of its
//! fragments' payloads (`EF F0 01` + chunk), so that a program whose compressed form exceeds the
//! 24,576-byte code limit can be deployed in pieces (geth `core/state/statedb_arbitrum.go`, nitro
//! `arbos/programs/programs.go::getWasmFromRootStylus`).

use brotli::enc::{BrotliEncoderParams, StandardAlloc};
use brotli::{BrotliDecompressStream, BrotliResult, BrotliState};
use revm::primitives::Address;

use crate::code_kind::{STYLUS_FRAGMENT_PREFIX, STYLUS_PREFIX, STYLUS_ROOT_PREFIX};

/// Largest code a CREATE may leave (the EVM's code size limit, `MaxCodeSize` on Arbitrum):
/// 24,576 bytes. It limits deploying a compressed program, not activating or calling one
/// (nitro decompresses with `MaxWasmSize` only, `programs.go::getWasmFromClassicStylus`), so a
/// larger program placed by `setState` activates and runs.
pub const MAX_CODE_SIZE: usize = 24_576;

/// Dictionary byte meaning "no dictionary".
pub const DICTIONARY_NONE: u8 = 0;

/// Why on-chain code is not a usable Stylus program.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProgramError {
    /// The account has no code.
    #[error("the account has no code")]
    NoCode,
    /// The code lacks the `EF F0 00` prefix and dictionary byte.
    #[error("code is not a Stylus program (it must start with EF F0 00 and a dictionary byte)")]
    NotStylus,
    /// A fragment (`EF F0 01`) cannot be activated or run on its own.
    #[error("fragmented stylus programs cannot be activated directly; activate the root program instead")]
    Fragment,
    /// A malformed root program, or one its fragments do not complete.
    #[error("invalid wasm: {0}")]
    InvalidRoot(String),
    /// A dictionary other than 0.
    #[error("unknown Stylus dictionary {0}{note}", note = dictionary_note(*.0))]
    UnknownDictionary(u8),
    /// The brotli stream is malformed or truncated.
    #[error("brotli decompression failed: {0}")]
    Decompression(String),
    /// The decompressed WASM would exceed `max_wasm_size`.
    #[error("the decompressed program exceeds max_wasm_size ({limit} bytes)")]
    WasmTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
}

fn dictionary_note(dictionary: u8) -> &'static str {
    if dictionary == 1 { " (nitro's built-in brotli dictionary is not supported)" } else { "" }
}

/// On-chain code for `wasm`: the prefix, dictionary 0, and brotli (quality 11, window 22), as
/// cargo-stylus produces it.
pub fn encode_program(wasm: &[u8]) -> Vec<u8> {
    let params = BrotliEncoderParams { quality: 11, lgwin: 22, size_hint: wasm.len(), ..Default::default() };
    let mut code = Vec::with_capacity(wasm.len() / 2 + 8);
    code.extend_from_slice(&STYLUS_PREFIX);
    code.push(DICTIONARY_NONE);
    let mut input = wasm;
    // Writing into a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut input, &mut code, &params);
    code
}

/// A parsed root program (`EF F0 02`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StylusRoot {
    /// Dictionary of the compressed stream.
    pub dictionary: u8,
    /// Length of the WASM once decompressed.
    pub decompressed_len: u32,
    /// The fragments whose payloads, in order, make the compressed stream.
    pub fragments: Vec<Address>,
}

impl StylusRoot {
    /// Parses root code (geth `NewStylusRoot`).
    pub fn parse(code: &[u8]) -> Result<Self, ProgramError> {
        if code.len() <= 3 || code[..3] != STYLUS_ROOT_PREFIX {
            return Err(ProgramError::NotStylus);
        }
        if code.len() < 8 {
            let detail = format!("stylus program root too short: need at least 8 bytes, got {}", code.len());
            return Err(ProgramError::InvalidRoot(detail));
        }
        let addresses = &code[8..];
        if !addresses.len().is_multiple_of(20) {
            let detail = format!("stylus program root address data has invalid length: {}", addresses.len());
            return Err(ProgramError::InvalidRoot(detail));
        }
        Ok(Self {
            dictionary: code[3],
            decompressed_len: u32::from_be_bytes([code[4], code[5], code[6], code[7]]),
            fragments: addresses.chunks(20).map(Address::from_slice).collect(),
        })
    }

    /// The root's code.
    pub fn encode(&self) -> Vec<u8> {
        let mut code = STYLUS_ROOT_PREFIX.to_vec();
        code.push(self.dictionary);
        code.extend_from_slice(&self.decompressed_len.to_be_bytes());
        for fragment in &self.fragments {
            code.extend_from_slice(fragment.as_slice());
        }
        code
    }
}

/// Splits `wasm` into a root program and fragments, as a deployer of a large program does
/// from ArbOS 60: the compressed stream (the same as [`encode_program`]'s) is cut into
/// `addresses.len()` chunks of nearly equal size, each deployed as `EF F0 01` + chunk at the
/// address given. Returns the root's code and each fragment's code.
pub fn encode_fragments(wasm: &[u8], addresses: &[Address]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let stream = encode_program(wasm).split_off(4);
    let count = addresses.len().max(1);
    let chunk = stream.len().div_ceil(count).max(1);
    let fragments = stream
        .chunks(chunk)
        .map(|part| [&STYLUS_FRAGMENT_PREFIX[..], part].concat())
        .chain(std::iter::repeat(STYLUS_FRAGMENT_PREFIX.to_vec()))
        .take(addresses.len())
        .collect();
    let root = StylusRoot {
        dictionary: DICTIONARY_NONE,
        decompressed_len: u32::try_from(wasm.len()).unwrap_or(u32::MAX),
        fragments: addresses.to_vec(),
    };
    (root.encode(), fragments)
}

/// Reads the code of a root's fragments, in order.
pub trait FragmentSource {
    /// The code at `address`.
    fn fragment_code(&mut self, address: Address) -> Result<Vec<u8>, ProgramError>;
}

impl<F: FnMut(Address) -> Result<Vec<u8>, ProgramError>> FragmentSource for F {
    fn fragment_code(&mut self, address: Address) -> Result<Vec<u8>, ProgramError> {
        self(address)
    }
}

/// The WASM of a classic program or, when `arbos_version ≥ 60`, of a root program whose
/// fragments `source` reads; `max_fragments` is checked when activating (`Some`), as in nitro.
pub fn program_wasm(
    code: &[u8],
    max_wasm_size: usize,
    arbos_version: u64,
    max_fragments: Option<u8>,
    source: &mut dyn FragmentSource,
) -> Result<Vec<u8>, ProgramError> {
    if code.is_empty() {
        return Err(ProgramError::NoCode);
    }
    if code.len() > 3 && code[..3] == STYLUS_PREFIX {
        return decode_program(code, max_wasm_size);
    }
    if arbos_version < 60 {
        return Err(ProgramError::NotStylus);
    }
    if code.len() > 3 && code[..3] == STYLUS_FRAGMENT_PREFIX {
        return Err(ProgramError::Fragment);
    }
    let root = StylusRoot::parse(code)?;
    if let Some(max) = max_fragments {
        if root.decompressed_len as usize > max_wasm_size {
            let detail =
                format!("decompressedLength {} is greater then MaxWasmSize {max_wasm_size}", root.decompressed_len);
            return Err(ProgramError::InvalidRoot(detail));
        }
        if root.fragments.len() > usize::from(max) {
            return Err(ProgramError::InvalidRoot(format!("fragment count exceeds limit of {max}")));
        }
    }
    if root.fragments.is_empty() {
        return Err(ProgramError::InvalidRoot("fragment count cannot be zero".into()));
    }
    let mut stream = Vec::new();
    for fragment in &root.fragments {
        let code = source.fragment_code(*fragment)?;
        if code.len() <= 3 || code[..3] != STYLUS_FRAGMENT_PREFIX {
            return Err(ProgramError::InvalidRoot(format!("{fragment} is not a Stylus program fragment")));
        }
        stream.extend_from_slice(&code[3..]);
    }
    if root.dictionary != DICTIONARY_NONE {
        return Err(ProgramError::UnknownDictionary(root.dictionary));
    }
    let limit = root.decompressed_len as usize;
    let wasm = std::panic::catch_unwind(|| decompress(&stream, limit))
        .unwrap_or_else(|_| Err(ProgramError::Decompression("the decoder panicked".into())))?;
    if wasm.len() != limit {
        let detail = format!("decompressed length {} does not match expected length {limit}", wasm.len());
        return Err(ProgramError::InvalidRoot(detail));
    }
    Ok(wasm)
}

/// The WASM of on-chain Stylus `code`, refusing to produce more than `max_wasm_size` bytes.
///
/// The limit is enforced while decompressing, so a small stream that expands enormously (a
/// "memory bomb") costs at most `max_wasm_size` bytes of memory.
pub fn decode_program(code: &[u8], max_wasm_size: usize) -> Result<Vec<u8>, ProgramError> {
    if code.len() <= STYLUS_PREFIX.len() || code[..3] != STYLUS_PREFIX {
        return Err(ProgramError::NotStylus);
    }
    if code[3] != DICTIONARY_NONE {
        return Err(ProgramError::UnknownDictionary(code[3]));
    }
    let stream = &code[4..];
    // The decoder is safe Rust, but a panic on hostile input must still become an error.
    std::panic::catch_unwind(|| decompress(stream, max_wasm_size))
        .unwrap_or_else(|_| Err(ProgramError::Decompression("the decoder panicked".into())))
}

fn decompress(stream: &[u8], limit: usize) -> Result<Vec<u8>, ProgramError> {
    let mut state =
        BrotliState::new_strict(StandardAlloc::default(), StandardAlloc::default(), StandardAlloc::default());
    let mut wasm = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    let (mut available_in, mut input_offset, mut total_out) = (stream.len(), 0usize, 0usize);
    loop {
        let (mut available_out, mut output_offset) = (chunk.len(), 0usize);
        let result = BrotliDecompressStream(
            &mut available_in,
            &mut input_offset,
            stream,
            &mut available_out,
            &mut output_offset,
            &mut chunk,
            &mut total_out,
            &mut state,
        );
        wasm.extend_from_slice(&chunk[..output_offset]);
        if wasm.len() > limit {
            return Err(ProgramError::WasmTooLarge { limit });
        }
        match result {
            BrotliResult::NeedsMoreOutput => continue,
            BrotliResult::ResultSuccess if available_in == 0 => return Ok(wasm),
            BrotliResult::ResultSuccess => {
                return Err(ProgramError::Decompression(format!("{available_in} bytes after the end of the stream")));
            }
            BrotliResult::NeedsMoreInput => {
                return Err(ProgramError::Decompression("truncated stream".into()));
            }
            BrotliResult::ResultFailure => {
                return Err(ProgramError::Decompression("malformed stream".into()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejections() {
        let wasm = b"\0asm\x01\0\0\0 some bytes".repeat(10);
        let code = encode_program(&wasm);
        assert_eq!(&code[..4], &[0xEF, 0xF0, 0x00, 0x00]);
        assert_eq!(decode_program(&code, 1 << 17), Ok(wasm.clone()));
        assert_eq!(decode_program(&code, wasm.len() - 1), Err(ProgramError::WasmTooLarge { limit: wasm.len() - 1 }));
        let mut truncated = code.clone();
        truncated.pop();
        assert!(matches!(decode_program(&truncated, 1 << 17), Err(ProgramError::Decompression(_))));
        let mut trailing = code.clone();
        trailing.push(0);
        assert!(matches!(decode_program(&trailing, 1 << 17), Err(ProgramError::Decompression(_))));
        assert_eq!(decode_program(&[0xEF, 0xF0, 0x00], 10), Err(ProgramError::NotStylus));
        let message = decode_program(&[0xEF, 0xF0, 0x00, 0x01, 0x00], 10).unwrap_err().to_string();
        assert!(message.starts_with("unknown Stylus dictionary 1"), "{message}");
    }

    #[test]
    fn fragments_round_trip_from_arbos_60() {
        let wasm: Vec<u8> = (0..5_000u32).flat_map(|i| (i * 7919).to_le_bytes()).collect();
        let addresses = [Address::repeat_byte(1), Address::repeat_byte(2)];
        let (root, fragments) = encode_fragments(&wasm, &addresses);
        assert_eq!(&root[..4], &[0xEF, 0xF0, 0x02, 0x00]);
        assert_eq!(root.len(), 8 + 40);
        let mut source = |a: Address| Ok(fragments[usize::from(a.0[0]) - 1].clone());
        assert_eq!(program_wasm(&root, 1 << 17, 60, Some(2), &mut source), Ok(wasm.clone()));
        assert_eq!(program_wasm(&root, 1 << 17, 50, Some(2), &mut source), Err(ProgramError::NotStylus));
        let error = program_wasm(&root, 1 << 17, 60, Some(1), &mut source).unwrap_err();
        assert_eq!(error.to_string(), "invalid wasm: fragment count exceeds limit of 1");
        assert_eq!(program_wasm(&fragments[0], 1 << 17, 60, Some(2), &mut source), Err(ProgramError::Fragment));
        let mut swapped = |a: Address| Ok(fragments[2 - usize::from(a.0[0])].clone());
        assert!(program_wasm(&root, 1 << 17, 60, Some(2), &mut swapped).is_err());
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..600 {
            let mut code = vec![0xEF, 0xF0, 0x00, 0x00];
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                code.push(seed as u8);
            }
            let _ = decode_program(&code, 4096);
        }
    }
}
