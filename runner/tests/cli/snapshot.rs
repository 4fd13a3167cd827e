//! `diorama snapshot`: the file, rewrites only on change, `--check`, `--diff`, `--tolerance`,
//! markdown, fingerprint refusal.

use std::path::Path;

use super::{diorama, root, scratch, text};

/// A suite of one scenario calling a contract whose code is `code` (raw EVM bytes or a
/// `wasm:` program), twice: once by id, once without.
fn write_suite(dir: &Path, code: &str, activate: bool, data: &str) {
    let scenario = format!(
        r#"{{
  "steps": [
    {{ "step": "setState", "accounts": {{ "address:alice": {{ "balance": "1" }}, "address:c": {{ "code": "{code}", "activate": {activate} }} }} }},
    {{ "step": "call", "id": "poke", "tx": {{ "from": "address:alice", "to": "address:c", "data": "{data}" }} }},
    {{ "step": "call", "tx": {{ "from": "address:alice", "to": "address:c", "data": "0x01020304" }} }}
  ]
}}
"#
    );
    std::fs::write(dir.join("probe.scen.json"), scenario).unwrap();
}

fn snapshot(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["snapshot"];
    args.extend_from_slice(extra);
    args.push(dir.to_str().unwrap());
    diorama(&args)
}

/// PUSH1 1, PUSH1 2, ADD, POP (repeated `n` times), STOP.
fn evm_code(n: usize) -> String {
    format!("0x{}00", "6001600201 50".replace(' ', "").repeat(n))
}

#[test]
fn snapshot_is_written_once_and_rewritten_only_on_change() {
    let dir = scratch("snapshot-write");
    write_suite(&dir, &evm_code(1), false, "0x");
    let first = snapshot(&dir, &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let file = dir.join(".diorama-snapshot");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("\nprobe.scen.json poke revm success gas=21011\n"), "{written}");
    assert!(written.contains("\nprobe.scen.json call:0x01020304#1 revm success gas=21075\n"), "{written}");
    for header in ["diorama ", "pricing 0x", "evm CANCUN", "arbos 50"] {
        assert!(written.contains(&format!("\n{header}")), "{header} in\n{written}");
    }
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = snapshot(&dir, &[]);
    assert!(text(&again).contains("unchanged (2 lines)"), "{}", text(&again));
    assert_eq!(std::fs::metadata(&file).unwrap().modified().unwrap(), modified, "not rewritten");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), written);
    let check = snapshot(&dir, &["--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    assert!(text(&check).contains("0 changed, 0 added, 0 removed"), "{}", text(&check));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The fixture's `ink-loop` program replaced by the `echo` program: the cost changes.
#[test]
fn changing_a_contract_fails_the_check_with_a_readable_delta() {
    let dir = scratch("snapshot-check");
    let wasm = root().join("fixtures/wasm/wat");
    std::fs::copy(wasm.join("ink-loop.wasm"), dir.join("program.wasm")).unwrap();
    write_suite(&dir, "wasm:program.wasm", true, "0x05");
    assert_eq!(snapshot(&dir, &[]).status.code(), Some(0));
    let written = std::fs::read_to_string(dir.join(".diorama-snapshot")).unwrap();
    // ink-loop.wat: 77,251 + 7,387 * N ink for N = 5.
    assert!(written.contains(" poke wasmer success gas=") && written.contains(" ink=114186\n"), "{written}");

    std::fs::copy(wasm.join("echo.wasm"), dir.join("program.wasm")).unwrap();
    let check = snapshot(&dir, &["--check"]);
    let all = text(&check);
    assert_eq!(check.status.code(), Some(1), "{all}");
    assert!(all.contains("2 changed, 0 added, 0 removed") || all.contains("4 changed, 0 added, 0 removed"), "{all}");
    let ink_line = all.lines().find(|l| l.contains("ink     probe.scen.json poke [wasmer]: 114,186 → ")).expect(&all);
    assert!(ink_line.ends_with("%)") && ink_line.contains("(-"), "old → new (delta, percent): {ink_line}");
    assert!(all.contains("total ink: "), "{all}");
    // --check writes nothing.
    assert_eq!(std::fs::read_to_string(dir.join(".diorama-snapshot")).unwrap(), written);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tolerance_accepts_small_drift() {
    let dir = scratch("snapshot-tolerance");
    let wasm = root().join("fixtures/wasm/wat/ink-loop.wasm");
    std::fs::copy(&wasm, dir.join("program.wasm")).unwrap();
    write_suite(&dir, "wasm:program.wasm", true, "0x0a");
    assert_eq!(snapshot(&dir, &[]).status.code(), Some(0));
    // One more loop iteration: 151,121 → 158,508 ink (+4.9%; under one gas, so gas stays).
    write_suite(&dir, "wasm:program.wasm", true, "0x0b");
    let strict = snapshot(&dir, &["--check", "--tolerance", "1"]);
    assert_eq!(strict.status.code(), Some(1), "{}", text(&strict));
    assert!(text(&strict).contains("151,121 → 158,508 (+7,387, +4.89%)"), "{}", text(&strict));
    let tolerant = snapshot(&dir, &["--check", "--tolerance", "5"]);
    assert_eq!(tolerant.status.code(), Some(0), "{}", text(&tolerant));
    assert!(text(&tolerant).contains("0 changed, 0 added, 0 removed; 1 within ±5%"), "{}", text(&tolerant));
    let misuse = snapshot(&dir, &["--tolerance", "5"]);
    assert_eq!(misuse.status.code(), Some(2), "--tolerance without --check/--diff is refused");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn markdown_diff_is_a_table() {
    let dir = scratch("snapshot-markdown");
    write_suite(&dir, &evm_code(1), false, "0x");
    assert_eq!(snapshot(&dir, &[]).status.code(), Some(0));
    write_suite(&dir, &evm_code(3), false, "0x");
    let scenario = std::fs::read_to_string(dir.join("probe.scen.json")).unwrap();
    let added = scenario.replace(
        "\n  ]",
        ",\n    { \"step\": \"call\", \"id\": \"new\", \"tx\": { \"from\": \"address:alice\", \"to\": \"address:c\" } }\n  ]",
    );
    std::fs::write(dir.join("probe.scen.json"), added).unwrap();
    let diff = snapshot(
        &dir,
        &["--diff", "--format", "markdown", "--snapshot", dir.join(".diorama-snapshot").to_str().unwrap()],
    );
    assert_eq!(diff.status.code(), Some(0), "--diff never fails: {}", text(&diff));
    let markdown = String::from_utf8(diff.stdout).unwrap().replace(&dir.display().to_string(), "[dir]");
    insta::assert_snapshot!("markdown_diff", markdown);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fingerprint_mismatch_is_refused_unless_forced() {
    let dir = scratch("snapshot-fingerprint");
    write_suite(&dir, &evm_code(1), false, "0x");
    assert_eq!(snapshot(&dir, &[]).status.code(), Some(0));
    let file = dir.join(".diorama-snapshot");
    let original = std::fs::read_to_string(&file).unwrap();
    let old = original.replace("\narbos 50\n", "\narbos 32\n");
    std::fs::write(&file, &old).unwrap();
    for mode in [&[][..], &["--check"], &["--diff"]] {
        let refused = snapshot(&dir, mode);
        assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
        assert!(text(&refused).contains("ArbOS version: 32 in the file, 50 now"), "{}", text(&refused));
        assert!(text(&refused).contains("--force"), "{}", text(&refused));
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), old, "a refused run writes nothing");
    let forced = snapshot(&dir, &["--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);
    std::fs::write(&file, original.replace("gas=21011", "gas=many")).unwrap();
    let broken = snapshot(&dir, &["--check"]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        text(&broken).contains(".diorama-snapshot:8:") && text(&broken).contains("got `gas=many`"),
        "{}",
        text(&broken)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn snapshot_file_of_fixture_scenarios() {
    let dir = scratch("snapshot-fixtures");
    let file = dir.join("fixtures.snapshot");
    let output = diorama(&[
        "snapshot",
        "--snapshot",
        file.to_str().unwrap(),
        "fixtures/scenarios/erc20.scen.json",
        "fixtures/scenarios/events.scen.json",
        "fixtures/scenarios/stylus/counter.scen.json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let written = std::fs::read_to_string(&file).unwrap();
    let redacted: String = written
        .lines()
        .map(|l| match l.split_once(' ') {
            Some(("diorama" | "pricing", _)) => format!("{} [redacted]\n", l.split(' ').next().unwrap()),
            _ => format!("{l}\n"),
        })
        .collect();
    insta::assert_snapshot!("fixture_snapshot_file", redacted);
    std::fs::remove_dir_all(&dir).unwrap();
}
