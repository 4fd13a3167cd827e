//! A damaged disk cache never changes a run: every damaged file (a compiled module, or the
//! on-chain code encoded for a WASM file) is a miss, compiled or encoded again.

use std::path::Path;
use std::process::{Command, Output};

use super::{root, without_times};

fn run_with_cache(cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_diorama"))
        .current_dir(root())
        .env("DIORAMA_CACHE_DIR", cache)
        .env("NO_COLOR", "1")
        .args([
            "run",
            "--format",
            "json",
            "fixtures/scenarios/stylus",
            "fixtures/should-fail/stylus-wrong-ink.scen.json",
        ])
        .output()
        .unwrap()
}

/// The compiled modules and the encoded programs in `cache`.
fn cache_files(cache: &Path) -> Vec<std::path::PathBuf> {
    let in_dir = |dir: &Path, extension: &str| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == extension))
            .collect()
    };
    let mut files = in_dir(cache, "wasmer");
    files.extend(in_dir(&cache.join("programs"), "code"));
    files.sort();
    files
}

/// Offsets to damage in a file of `len` bytes whose header ends at `header`: inside the
/// header, its last byte, the body's first byte, and spread through the body to its end.
/// `ci/fuzz` adds `DIORAMA_FUZZ_CACHE_ROUNDS` more offsets, seeded, anywhere in the file.
fn offsets(len: usize, header: usize) -> Vec<usize> {
    let body = len - header;
    let mut out = vec![0, 30, header - 1, header, header + body / 7, header + body / 2, header + 5 * body / 6, len - 1];
    let extra: u64 = std::env::var("DIORAMA_FUZZ_CACHE_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    for round in 1..=extra {
        let mut x = round.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ len as u64;
        x ^= x >> 31;
        x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        out.push((x >> 17) as usize % len);
    }
    out
}

#[test]
fn damaging_any_cache_byte_never_changes_the_results() {
    let cache = std::env::temp_dir().join(format!("diorama-damaged-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    let clean = run_with_cache(&cache);
    assert_eq!(clean.status.code(), Some(1), "the should-fail file fails: {}", String::from_utf8_lossy(&clean.stderr));
    let files = cache_files(&cache);
    let programs = files.iter().filter(|f| f.extension().is_some_and(|e| e == "code")).count();
    assert!(files.len() - programs >= 10, "only {} cached modules", files.len() - programs);
    assert!(programs >= 3, "only {programs} encoded programs");
    let layout: Vec<(usize, usize)> = files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).unwrap();
            let header = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(3).unwrap().0 + 1;
            (bytes.len(), header)
        })
        .collect();
    for round in 0..offsets(1000, 100).len() {
        for (file, (len, header)) in files.iter().zip(&layout) {
            let mut bytes = std::fs::read(file).unwrap();
            assert_eq!(bytes.len(), *len, "{} was rewritten whole", file.display());
            bytes[offsets(*len, *header)[round]] ^= 0x5a;
            std::fs::write(file, bytes).unwrap();
        }
        let damaged = run_with_cache(&cache);
        let stderr = String::from_utf8_lossy(&damaged.stderr);
        assert_eq!(damaged.status.code(), clean.status.code(), "round {round}: {stderr}");
        assert_eq!(without_times(&damaged.stdout), without_times(&clean.stdout), "round {round}: the report changed");
        let warnings = stderr.matches("ignoring module cache file").count()
            + stderr.matches("ignoring encoded-program cache file").count();
        assert_eq!(warnings, files.len(), "round {round}: one warning per damaged file:\n{stderr}");
    }
    let again = run_with_cache(&cache);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("ignoring"), "damaged files are rewritten");
    let _ = std::fs::remove_dir_all(&cache);
}
