//! On-chain code for WASM files: `encode_program` compresses with brotli at quality 11, which
//! took half the time of a run of the bundled fixtures. Encodings are kept for the process in
//! memory and across runs in the disk cache (`programs/` beside the compiled modules), each file
//! checked before use: its header (see `executor_wasmer::cache_file`), and that it decodes to
//! the very WASM it stands for. A file that fails is a miss, re-encoded and rewritten.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use alloy_primitives::{B256, keccak256};
use executor_wasmer::{CacheOptions, cache_file};
use world_mock::stylus::{decode_program, encode_program};

/// First line of every encoded-program file.
const MAGIC: &str = "diorama-stylus-code v1";

/// The brotli crate `encode_program` uses (world-mock pins it; a test checks the two agree).
const BROTLI_VERSION: &str = "9.1.1";

/// What produced an encoding: the format's prefix and the encoder with its settings.
fn encoder_fingerprint() -> B256 {
    keccak256(format!("EF F0 00, dictionary 0; brotli crate {BROTLI_VERSION}, quality 11, window 22"))
}

/// The on-chain code for `wasm`.
pub(crate) fn encoded_program(wasm: &[u8]) -> Vec<u8> {
    static MEMORY: OnceLock<Mutex<HashMap<B256, Vec<u8>>>> = OnceLock::new();
    let memory = || MEMORY.get_or_init(Mutex::default).lock().unwrap_or_else(PoisonError::into_inner);
    let key = keccak256(wasm);
    let found = || memory().get(&key).cloned();
    let remembered = |code: Vec<u8>| {
        memory().insert(key, code.clone());
        code
    };
    if let Some(code) = found() {
        return code;
    }
    let Some(path) = CacheOptions::from_env().dir.map(|dir| file(&dir, key)) else {
        return remembered(encode_program(wasm));
    };
    cache_file::one_at_a_time(&path, || {
        // A thread that waited for another finds its encoding here.
        found().unwrap_or_else(|| {
            remembered(load(&path, wasm).unwrap_or_else(|| {
                let code = encode_program(wasm);
                // A failed write only costs encoding again in a later run.
                let _ = cache_file::write(&path, MAGIC, encoder_fingerprint(), &code);
                code
            }))
        })
    })
}

fn file(dir: &Path, wasm_hash: B256) -> PathBuf {
    dir.join("programs").join(format!("{wasm_hash:x}.code"))
}

/// The cached code in `path`, if it is whole and decodes to `wasm`.
fn load(path: &Path, wasm: &[u8]) -> Option<Vec<u8>> {
    let why = match cache_file::read(path, MAGIC, encoder_fingerprint()) {
        Ok(None) => return None,
        Ok(Some(code)) if decode_program(&code, wasm.len()).is_ok_and(|decoded| decoded == wasm) => return Some(code),
        Ok(Some(_)) => "it does not decode to its WASM".to_string(),
        Err(why) => why,
    };
    eprintln!("diorama: warning: ignoring encoded-program cache file {} ({why}); encoding again", path.display());
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wasm() -> Vec<u8> {
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/wasm/counter.wasm")).unwrap()
    }

    #[test]
    fn the_fingerprint_names_the_pinned_encoder() {
        let manifest = include_str!("../../../world-mock/Cargo.toml");
        assert!(manifest.contains(&format!("brotli = {{ version = \"={BROTLI_VERSION}\"")), "update BROTLI_VERSION");
    }

    #[test]
    fn cached_code_is_used_only_when_whole_and_decoding_to_its_wasm() {
        let dir = std::env::temp_dir().join(format!("diorama-encoded-{}", std::process::id()));
        let wasm = wasm();
        let path = file(&dir, keccak256(&wasm));
        let code = encode_program(&wasm);
        assert_eq!(load(&path, &wasm), None, "no file yet");
        cache_file::write(&path, MAGIC, encoder_fingerprint(), &code).unwrap();
        assert_eq!(load(&path, &wasm), Some(code.clone()));
        // A whole file whose code decodes to other WASM (e.g. another program's) is refused.
        let mut other = wasm.clone();
        other.push(0);
        let other_code = encode_program(&other);
        cache_file::write(&path, MAGIC, encoder_fingerprint(), &other_code).unwrap();
        assert_eq!(load(&path, &wasm), None);
        // So is a damaged one.
        cache_file::write(&path, MAGIC, encoder_fingerprint(), &code).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(load(&path, &wasm), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
