//! `diorama bless`: round trip, byte-exact edits, `*` and `<=` kept, dry run, atomic writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{diorama, root, scratch, text};

/// `fixtures/should-fail/wrong-out.scen.json` and the artifacts it uses, copied into `dir`.
fn copy_wrong_out(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("should-fail")).unwrap();
    std::fs::create_dir_all(dir.join("artifacts")).unwrap();
    for artifact in ["Counter.json", "Events.json", "ERC20.json"] {
        std::fs::copy(root().join("fixtures/artifacts").join(artifact), dir.join("artifacts").join(artifact)).unwrap();
    }
    let file = dir.join("should-fail/wrong-out.scen.json");
    std::fs::copy(root().join("fixtures/should-fail/wrong-out.scen.json"), &file).unwrap();
    file
}

/// The lines that differ between two texts of the same line count.
fn changed_lines(old: &str, new: &str) -> Vec<(String, String)> {
    assert_eq!(old.lines().count(), new.lines().count(), "lines added or removed:\n{new}");
    old.lines().zip(new.lines()).filter(|(a, b)| a != b).map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn bless_round_trips_one_wrong_out() {
    let dir = scratch("bless-round-trip");
    let file = copy_wrong_out(&dir);
    let before = std::fs::read_to_string(&file).unwrap();
    let path = file.to_str().unwrap();
    assert_eq!(diorama(&["run", path]).status.code(), Some(1), "fails before");

    let dry = diorama(&["bless", "--dry-run", path]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    assert!(text(&dry).contains(r#"steps[1].expect.out[0]: "6" → "5""#), "{}", text(&dry));
    assert!(text(&dry).contains("would bless 1 values in 1 files"), "{}", text(&dry));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before, "--dry-run writes nothing");

    let blessed = diorama(&["bless", path]);
    assert_eq!(blessed.status.code(), Some(0), "{}", text(&blessed));
    assert!(text(&blessed).contains("1 blessed scenario files pass"), "{}", text(&blessed));
    let after = std::fs::read_to_string(&file).unwrap();
    let changes = changed_lines(&before, &after);
    assert_eq!(changes.len(), 1, "{changes:?}");
    let (old, new) = &changes[0];
    assert_eq!(old.replace(r#""out": ["6"]"#, r#""out": ["5"]"#), *new, "only the value's text changed");
    assert_eq!(diorama(&["run", path]).status.code(), Some(0), "passes after");
    let again = diorama(&["bless", path]);
    assert!(text(&again).contains("blessed 0 values in 0 files"), "{}", text(&again));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Status, outputs, logs, gas, balances, nonces and storage in one scenario: each failing
/// value is rewritten in its own style, `*` and untouched values stay, missing slots are added.
#[test]
fn bless_rewrites_each_kind_of_expectation_in_place() {
    let dir = scratch("bless-kinds");
    std::fs::copy(root().join("fixtures/artifacts/ERC20.json"), dir.join("ERC20.json")).unwrap();
    let scenario = r#"{
  "name": "bless-me",
  "steps": [
    { "step": "setState",
      "accounts": { "address:alice": { "balance": "1,000,000" }, "address:bob": {} },
      "newAddresses": [{ "creator": "address:alice", "nonce": "0", "address": "address:token" }] },
    { "step": "deploy", "id": "deploy",
      "tx": { "from": "address:alice", "code": "evm:ERC20.json",
              "constructor": "constructor(string,string,uint256)", "args": ["str:Token", "str:TOK", "1,000,000"] },
      "expect": { "status": "revert", "address": "address:token" } },
    { "step": "call", "id": "transfer",
      "tx": { "from": "address:alice", "to": "address:token",
              "function": "transfer(address,uint256)(bool)", "args": ["address:bob", "250,000"] },
      "expect": { "status": "success", "out": ["*"], "gasUsed": "<=1,000",
                  "logs": [{ "address": "address:token",
                             "event": "Transfer(address indexed,address indexed,uint256)",
                             "args": ["address:alice", "*", "1"] }] } },
    { "step": "query", "id": "balance",
      "tx": { "to": "address:token", "function": "balanceOf(address)(uint256)", "args": ["address:bob"] },
      "expect": { "out": ["1_000"], "gasUsed": ">=1" } },
    { "step": "checkState",
      "accounts": {
        "address:alice": { "balance": "999", "nonce": "0x05" },
        "address:token": { "storage": { "keccak256:word:address:bob|u256:0": "1" } },
        "+": "" } }
  ]
}
"#;
    let file = dir.join("bless-me.scen.json");
    std::fs::write(&file, scenario).unwrap();
    let output = diorama(&["bless", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let blessed = std::fs::read_to_string(&file).unwrap();
    assert!(
        blessed.contains(r#""out": ["*"]"#) && blessed.contains(r#""args": ["address:alice", "*", "250000"]"#),
        "{blessed}"
    );
    assert!(blessed.contains(r#""gasUsed": ">=1""#), "a passing >= stays: {blessed}");
    assert!(blessed.contains(r#""out": ["250_000"]"#), "the number keeps its `_` grouping: {blessed}");
    assert_eq!(diorama(&["run", file.to_str().unwrap()]).status.code(), Some(0));
    insta::assert_snapshot!("blessed_scenario", blessed);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn killed_bless_leaves_the_original_whole() {
    let dir = scratch("bless-kill");
    let file = copy_wrong_out(&dir);
    let before = std::fs::read(&file).unwrap();
    let marker = dir.join("temp-written");
    let mut child = Command::new(env!("CARGO_BIN_EXE_diorama"))
        .current_dir(root())
        .env("DIORAMA_TEST_PAUSE_BEFORE_RENAME", &marker)
        .args(["bless", "--progress", "off", file.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !marker.exists() {
        assert!(Instant::now() < deadline, "bless never wrote its temporary file");
        assert!(child.try_wait().unwrap().is_none(), "bless ended before writing");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), before, "the scenario is untouched");
    let prefix = format!(".wrong-out.scen.json.diorama-tmp.{}.", child.id());
    let temp = std::fs::read_dir(dir.join("should-fail"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(&prefix))
        .expect("a temporary file beside the scenario");
    let staged = std::fs::read_to_string(&temp).expect("the complete new text was staged beside it");
    assert!(staged.contains(r#""out": ["5"]"#), "{staged}");
    // A stray temporary file is no scenario: the folder still runs one file.
    let run = diorama(&["run", "--format", "json", dir.join("should-fail").to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(report["scenarios"].as_array().unwrap().len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn what_cannot_be_blessed_is_listed() {
    let dir = scratch("bless-refused");
    std::fs::create_dir_all(dir.join("should-fail")).unwrap();
    std::fs::create_dir_all(dir.join("artifacts")).unwrap();
    for artifact in ["Counter.json", "Events.json"] {
        std::fs::copy(root().join("fixtures/artifacts").join(artifact), dir.join("artifacts").join(artifact)).unwrap();
    }
    let file = dir.join("should-fail/unlisted-account.scen.json");
    std::fs::copy(root().join("fixtures/should-fail/unlisted-account.scen.json"), &file).unwrap();
    let before = std::fs::read_to_string(&file).unwrap();
    let output = diorama(&["bless", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(text(&output).contains("not blessed: "), "{}", text(&output));
    assert!(text(&output).contains("unlisted accounts"), "{}", text(&output));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Blessing the whole should-fail set: every file either passes afterwards or is listed with
/// the reason it was left alone.
#[test]
fn blessing_the_should_fail_set_fixes_all_but_the_unblessable() {
    let dir = scratch("bless-should-fail");
    for folder in ["should-fail", "artifacts", "wasm/wat"] {
        std::fs::create_dir_all(dir.join(folder)).unwrap();
    }
    for entry in std::fs::read_dir(root().join("fixtures/artifacts")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join("artifacts").join(entry.file_name())).unwrap();
    }
    std::fs::copy(root().join("fixtures/wasm/wat/echo.wasm"), dir.join("wasm/wat/echo.wasm")).unwrap();
    for entry in std::fs::read_dir(root().join("fixtures/wasm")).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.join("wasm").join(entry.file_name())).unwrap();
        }
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(root().join("fixtures/should-fail")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".scen.json") {
            std::fs::copy(root().join("fixtures/should-fail").join(&name), dir.join("should-fail").join(&name))
                .unwrap();
            files.push(name);
        }
    }
    let folder = dir.join("should-fail");
    let before: Vec<String> = files.iter().map(|f| std::fs::read_to_string(folder.join(f)).unwrap()).collect();
    let output = diorama(&["bless", folder.to_str().unwrap()]);
    let all = text(&output);
    assert_eq!(output.status.code(), Some(1), "some values cannot be blessed:\n{all}");
    let refused: Vec<&str> = all.lines().filter(|l| l.starts_with("not blessed: ")).collect();
    for (file, reason) in [
        ("unlisted-account", "unlisted accounts"),
        ("wrong-code", "code is not blessed"),
        ("wrong-error-message", "the revert data is not Error(string)"),
    ] {
        assert!(refused.iter().any(|l| l.contains(file) && l.contains(reason)), "{file}: {reason} in\n{all}");
    }
    assert_eq!(refused.len(), 3, "{all}");
    for (name, old) in files.iter().zip(&before) {
        let path = folder.join(name);
        let new = std::fs::read_to_string(&path).unwrap();
        let run = diorama(&["run", path.to_str().unwrap()]);
        let unblessable = ["unlisted-account", "wrong-code", "wrong-error-message"].iter().any(|u| name.starts_with(u));
        if unblessable {
            assert_eq!(run.status.code(), Some(1), "{name}");
        } else {
            assert_eq!(run.status.code(), Some(0), "{name} after bless:\n{new}\n{}", text(&run));
            assert_ne!(&new, old, "{name} changed");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
