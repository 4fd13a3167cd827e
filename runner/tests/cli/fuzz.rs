//! Mutated scenario files (issue 13, item 9): seeded random damage to the bundled EVM scenarios
//! (deleted and duplicated bytes, stray JSON tokens, `null`, bytes that are not UTF-8, hostile
//! values), each through `diorama check` and `diorama run` (every other one padded to be run as
//! it loads). Unusable input must exit 2 from both
//! with the same message at a line:column; usable input must pass `check` and run to 0 or 1;
//! nothing may panic. CI runs a small corpus, `ci/fuzz` a large one (`DIORAMA_FUZZ_CASES`).

use super::{diorama, has_position, root, text};

/// Seeded, so a failing case is reproducible by its number.
struct Rng(fastrand::Rng);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0.usize(..n.max(1))
    }
}

const TOKENS: &[&[u8]] = &[
    b"null",
    b"[]",
    b"{}",
    b"\"x\"",
    b"1",
    b",",
    b":",
    b"\"",
    b"\\",
    "é".as_bytes(),
    b"true",
    b"\"0x\"",
    b"\xff",
    b"\"+\": \"\",",
    b"\"*\"",
    b"\"file:/dev/zero\"",
    b"\"u8:999\"",
    b"\"keccak256:keccak256:keccak256:\"",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    if rng.below(5) < 2 {
        // A digit changed: usually still valid, so expectations pass or fail (exit 0 or 1).
        let digits: Vec<usize> = bytes.iter().enumerate().filter(|(_, b)| b.is_ascii_digit()).map(|(i, _)| i).collect();
        if !digits.is_empty() {
            bytes[digits[rng.below(digits.len())]] = b'0' + rng.below(10) as u8;
            return bytes;
        }
    }
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(bytes.len());
        match rng.below(6) {
            0 => {
                let end = (at + 1 + rng.below(20)).min(bytes.len());
                bytes.drain(at..end);
            }
            1 | 2 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                bytes.splice(at..at, token.iter().copied());
            }
            3 => {
                // A string value replaced by a hostile one.
                if let Some(quote) = bytes[at..].iter().position(|&b| b == b':').map(|p| at + p + 1) {
                    let value: &[u8] = [
                        &b" \"1111111111111111111111111111111111111111111111111111111111111111111111111111111111111\""
                            [..],
                        b" null",
                        b" [\"a\", \"b\"]",
                        b" \"address:\"",
                    ][rng.below(4)];
                    bytes.splice(quote..quote, value.iter().copied().chain(*b" ,\"extra\":"));
                }
            }
            4 => {
                let end = (at + rng.below(200)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
            _ => bytes.truncate(at.max(1)),
        }
    }
    bytes
}

#[test]
fn fuzz_mutated_scenarios_get_one_verdict_from_check_and_run() {
    let cases: usize = std::env::var("DIORAMA_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    let fixtures = root().join("fixtures");
    let seeds: Vec<(String, Vec<u8>)> = std::fs::read_dir(fixtures.join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".scen.json"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    assert!(seeds.len() >= 4);
    // The mutants live in a folder laid out like fixtures/ (relative paths still resolve).
    let dir = std::env::temp_dir().join(format!("diorama-fuzz-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("scenarios")).unwrap();
    std::os::unix::fs::symlink(fixtures.join("artifacts"), dir.join("artifacts")).unwrap();
    std::os::unix::fs::symlink(fixtures.join("scenarios/steps"), dir.join("scenarios/steps")).unwrap();
    let mut verdicts = [0usize; 3];
    for case in 0..cases {
        let mut rng = Rng(fastrand::Rng::with_seed(case as u64 + 1));
        let (name, seed) = &seeds[rng.below(seeds.len())];
        let file = dir.join("scenarios").join(format!("m{case}-{name}"));
        let mut mutant = mutate(&mut rng, seed);
        if case % 2 == 1 {
            // Padded past 64 KiB, so that `run` loads it on a second thread as it runs it (see
            // `overlap`; unpadded, it loads in turn with running), while `check` loads it whole.
            mutant.extend(std::iter::repeat_n(b'\n', 64 << 10));
        }
        std::fs::write(&file, mutant).unwrap();
        let path = file.to_str().unwrap();
        let check = diorama(&["check", path]);
        let run = diorama(&["run", path]);
        let (check_all, run_all) = (text(&check), text(&run));
        let context = format!("case {case} (from {name}), kept at {path}\ncheck:\n{check_all}\nrun:\n{run_all}");
        assert!(!check_all.contains("panicked") && !run_all.contains("panicked"), "{context}");
        match (check.status.code(), run.status.code()) {
            (Some(2), Some(2)) => {
                assert!(has_position(&check_all), "no file:line:column: {context}");
                let message = check_all.lines().find_map(|l| l.strip_prefix("error: ")).unwrap_or_default();
                assert!(!message.is_empty() && run_all.contains(message), "check and run disagree: {context}");
                verdicts[2] += 1;
            }
            (Some(0), Some(code @ (0 | 1))) => verdicts[code as usize] += 1,
            _ => panic!("verdicts differ or are unknown: {context}"),
        }
        let _ = std::fs::remove_file(&file);
    }
    eprintln!(
        "{cases} mutated scenarios: {} pass, {} fail, {} unusable (exit 2)",
        verdicts[0], verdicts[1], verdicts[2]
    );
    assert!(verdicts[2] > 0, "no mutant was rejected: the corpus is too weak");
    let _ = std::fs::remove_dir_all(&dir);
}
