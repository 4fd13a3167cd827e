//! The on-chain Stylus code format (stylus-semantics §1.1): `EF F0 00`, a dictionary byte, then
//! the brotli-compressed WASM. Only dictionary 0 (none) is supported.

use brotli::enc::{BrotliEncoderParams, StandardAlloc};
use brotli::{BrotliDecompressStream, BrotliResult, BrotliState};

use crate::code_kind::STYLUS_PREFIX;

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
    /// The code lacks the `EF F0 00` prefix and dictionary byte.
    #[error("code is not a Stylus program (it must start with EF F0 00 and a dictionary byte)")]
    NotStylus,
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
