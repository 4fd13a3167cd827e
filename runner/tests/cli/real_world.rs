//! What a user of real contracts hits first: dump → replay, raw Stylus code, stopping at the
//! first failure, readable messages, size verdicts, report formats.

use std::path::Path;

use super::{diorama, root, scratch, text};

fn fixture(path: &str) -> String {
    root().join("fixtures").join(path).display().to_string()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// A world built by a Stylus + Solidity scenario, dumped, included by another scenario and
/// dumped again, is the same world: activated programs (their records live in the ArbOS
/// state account's storage), nonces, balances, storage, block.
#[test]
fn dump_state_round_trips_through_external_steps() {
    let dir = scratch("dump");
    let original = format!(
        r#"{{ "steps": [
  {{ "step": "setState", "block": {{ "number": "7", "timestamp": "1,700,000,123" }},
     "accounts": {{ "address:alice": {{ "balance": "1,000,000,000,000,000,000", "nonce": "3" }},
                   "address:counter": {{ "code": "wasm:{counter}", "activate": true }},
                   "address:caller": {{ "code": "evm:{caller}" }},
                   "address:sol": {{ "code": "evm:{sol_counter}" }} }} }},
  {{ "step": "call", "tx": {{ "from": "address:alice", "to": "address:counter", "function": "setNumber(uint256)", "args": ["41"] }},
     "expect": {{ "status": "success" }} }},
  {{ "step": "call", "tx": {{ "from": "address:alice", "to": "address:sol", "function": "increment()(uint256)" }},
     "expect": {{ "status": "success" }} }},
  {{ "step": "dumpState", "path": "world.steps.json" }}
] }}"#,
        counter = fixture("wasm/counter.wasm"),
        caller = fixture("artifacts/Caller.json"),
        sol_counter = fixture("artifacts/Counter.json"),
    );
    let first = diorama(&["run", &write(&dir, "original.scen.json", &original)]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let replay = r#"{ "steps": [
  { "step": "externalSteps", "path": "world.steps.json" },
  { "step": "query", "tx": { "to": "address:counter", "function": "number()(uint256)" }, "expect": { "status": "success", "out": ["41"] } },
  { "step": "call", "tx": { "from": "address:alice", "to": "address:counter", "function": "increment()" }, "expect": { "status": "success" } },
  { "step": "query", "tx": { "to": "address:counter", "function": "number()(uint256)" }, "expect": { "out": ["42"] } },
  { "step": "dumpState", "path": "replayed.steps.json" }
] }"#;
    let second = diorama(&["run", "-v", &write(&dir, "replay.scen.json", replay)]);
    let all = text(&second);
    assert_eq!(second.status.code(), Some(0), "{all}");
    // Raw Stylus code in the dump runs on the Stylus executor (chosen from the code itself).
    assert!(all.contains("[wasmer]"), "{all}");
    // Replaying the dump alone reproduces it byte for byte.
    let exact = r#"{ "steps": [ { "step": "externalSteps", "path": "world.steps.json" }, { "step": "dumpState", "path": "again.steps.json" } ] }"#;
    assert_eq!(diorama(&["run", &write(&dir, "exact.scen.json", exact)]).status.code(), Some(0));
    let dumped = std::fs::read_to_string(dir.join("world.steps.json")).unwrap();
    assert_eq!(dumped, std::fs::read_to_string(dir.join("again.steps.json")).unwrap());
    assert!(
        dumped.contains("\"arbosVersion\": \"50\"") && dumped.contains("\"timestamp\": \"1700000123\""),
        "{dumped}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn keep_going_runs_the_steps_after_a_failure() {
    let file = "fixtures/should-fail/stops-at-first-failure.scen.json";
    let stopped = text(&diorama(&["run", file]));
    assert_eq!(stopped.matches("failed step").count(), 1, "{stopped}");
    let all = text(&diorama(&["run", "--keep-going", file]));
    assert_eq!(all.matches("failed step").count(), 2, "both failing steps ran and failed: {all}");
    assert!(!all.contains("not run"), "{all}");
    let json = diorama(&["run", "--format", "json", file]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["scenarios"][0]["notRun"], serde_json::json!(["\"second\" (#2) call", "#3 checkState"]));
}

#[test]
fn storage_diffs_show_keys_as_written_and_names() {
    let dir = scratch("storage");
    let scenario = format!(
        r#"{{ "steps": [
  {{ "step": "setState", "accounts": {{ "address:token": {{ "code": "evm:{}", "storage": {{ "keccak256:word:address:alice|u256:0": "5", "0x07": "address:bob" }} }} }} }},
  {{ "step": "checkState", "accounts": {{ "address:token": {{ "storage": {{ "keccak256:word:address:alice|u256:0": "6" }} }}, "+": "" }} }}
] }}"#,
        fixture("artifacts/Counter.json")
    );
    let output = diorama(&["run", &write(&dir, "storage.scen.json", &scenario)]);
    let all = text(&output);
    assert_eq!(output.status.code(), Some(1), "{all}");
    assert!(all.contains("- keccak256:word:address:alice|u256:0: 6"), "{all}");
    assert!(all.contains("+ keccak256:word:address:alice|u256:0: 5"), "{all}");
    assert!(all.contains("+ 7: address:bob"), "{all}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn activate_reports_both_size_verdicts_and_its_formats() {
    // Incompressible data: more than 24,576 bytes once compressed, far below 128 KiB of WASM.
    let path = super::root().join("fixtures/wasm/generated/incompressible-data.wasm");
    let human = diorama(&["activate", path.to_str().unwrap()]);
    let all = text(&human);
    assert_eq!(human.status.code(), Some(0), "{all}");
    assert!(all.contains("activates (Stylus v2, ArbOS 50); cannot be deployed by CREATE: "), "{all}");
    assert!(all.contains("> 24576 bytes of code"), "{all}");
    let json = diorama(&["activate", "--format", "json", path.to_str().unwrap()]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["schemaVersion"], 1);
    assert_eq!(doc["programs"][0]["activated"], true);
    assert_eq!(doc["programs"][0]["deployable"], false);
    let junit = diorama(&["activate", "--format", "junit", path.to_str().unwrap()]);
    assert_eq!(junit.status.code(), Some(2), "junit is refused, not silently JSON");
    assert!(text(&junit).contains("possible values: human, json"), "{}", text(&junit));
}

#[test]
fn a_stylus_constructor_deploy_cannot_also_ask_for_free_activation() {
    let dir = scratch("ctor");
    let scenario = format!(
        r#"{{ "steps": [
  {{ "step": "setState", "accounts": {{ "address:alice": {{ "balance": "1" }} }} }},
  {{ "step": "deploy", "tx": {{ "from": "address:alice", "code": "wasm:{}", "activate": true,
      "constructor": "constructor(string,string,uint256)", "args": ["str:a", "str:b", "1"] }} }}
] }}"#,
        fixture("wasm/erc20.wasm")
    );
    let output = diorama(&["run", &write(&dir, "ctor.scen.json", &scenario)]);
    let all = text(&output);
    assert_eq!(output.status.code(), Some(2), "{all}");
    assert!(all.contains("ctor.scen.json:3:"), "{all}");
    assert!(
        all.contains("steps[1].tx.activate: a Stylus deploy with a `constructor` goes through the StylusDeployer"),
        "{all}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
