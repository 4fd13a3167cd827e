//! The debugger executor end to end: `contract:NAME` builds, both executors, parity, panics,
//! unmetered figures, build errors.

use super::{diorama, text};

#[test]
fn contract_fixtures_pass_on_each_executor_choice() {
    for (choice, executors) in
        [("wasmer", &["wasmer"][..]), ("debugger", &["debugger"]), ("all", &["wasmer", "debugger"])]
    {
        let output = diorama(&["run", "--executor", choice, "--format", "json", "fixtures/scenarios/contracts"]);
        assert_eq!(output.status.code(), Some(0), "--executor {choice}: {}", text(&output));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let runs = report["scenarios"].as_array().unwrap();
        let files = super::entries("fixtures/scenarios/contracts").len();
        assert!(files >= 7, "{files} contract scenarios");
        assert_eq!(runs.len(), files * executors.len(), "--executor {choice}: one case per scenario and executor");
        for run in runs {
            assert_eq!(run["result"], "passed", "{run}");
            assert!(executors.contains(&run["executor"].as_str().unwrap()), "{run}");
            assert!(run.get("divergence").is_none(), "{run}");
        }
    }
}

#[test]
fn native_panics_end_each_call_with_failure_and_their_message() {
    let output = diorama(&["run", "-v", "--executor", "debugger", "fixtures/scenarios/contracts/panics.scen.json"]);
    let all = text(&output);
    assert_eq!(output.status.code(), Some(0), "{all}");
    for message in [
        "the contract gave up",
        "index out of bounds: the len is 3 but the index is 3",
        "attempt to divide by zero",
        "called `Option::unwrap()` on a `None` value",
        "recorded 99, then panicked",
    ] {
        assert!(all.contains(message), "missing `{message}` in\n{all}");
    }
    // With -v, the backtrace starts in the contract's function and names its source line.
    assert!(all.contains("panics::Panics::explicit_panic"), "{all}");
    assert!(all.contains("contracts/stylus/panics/src/lib.rs:"), "{all}");
    assert!(!all.contains("std::panicking"), "the panic machinery is trimmed:\n{all}");
}

#[test]
fn parity_reports_the_first_divergence() {
    let output = diorama(&["run", "fixtures/should-fail/contracts/parity-gas-left.scen.json"]);
    let all = text(&output);
    assert_eq!(output.status.code(), Some(1), "{all}");
    let expected = "parity: first divergence at step \"ink-left\" (#2) at \
                    fixtures/should-fail/contracts/parity-gas-left.scen.json:18:5: output";
    assert!(all.contains(expected), "{all}");
    assert_eq!(all.matches("parity:").count(), 1, "shown once for the pair:\n{all}");
    assert!(all.contains("[wasmer]   u256:") && all.contains("[debugger] u256:"), "{all}");

    let json = diorama(&["run", "--format", "json", "fixtures/should-fail/contracts/parity-gas-left.scen.json"]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    for run in report["scenarios"].as_array().unwrap() {
        assert_eq!(run["result"], "failed");
        assert_eq!(run["divergence"]["step"], "\"ink-left\" (#2)");
        assert_eq!(run["divergence"]["field"], "output");
        assert_eq!(run["divergence"]["executors"], serde_json::json!(["wasmer", "debugger"]));
    }
    let junit = diorama(&["run", "--format", "junit", "fixtures/should-fail/contracts/parity-gas-left.scen.json"]);
    let xml = String::from_utf8_lossy(&junit.stdout);
    assert!(xml.contains("parity-gas-left [wasmer]") && xml.contains("parity-gas-left [debugger]"), "{xml}");
    assert!(xml.contains("parity: first divergence at step"), "{xml}");
}

#[test]
fn unmetered_figures_are_reported_never_passed() {
    let output = diorama(&["run", "--executor", "debugger", "fixtures/scenarios/contracts/counter.scen.json"]);
    let all = text(&output);
    assert_eq!(output.status.code(), Some(0), "{all}");
    assert!(all.contains("ink 223214042: unchecked, not metered"), "{all}");
    assert!(all.contains("gasUsed 58875: unchecked, not metered"), "{all}");
    let junit = diorama(&[
        "run",
        "--executor",
        "debugger",
        "--format",
        "junit",
        "fixtures/scenarios/contracts/counter.scen.json",
    ]);
    let xml = String::from_utf8_lossy(&junit.stdout);
    assert!(xml.contains("<system-out>") && xml.contains("unchecked, not metered"), "{xml}");
    let json = diorama(&[
        "run",
        "--executor",
        "debugger",
        "--format",
        "json",
        "fixtures/scenarios/contracts/counter.scen.json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let step = &report["scenarios"][0]["steps"][4];
    assert!(step.get("inkUsed").is_none(), "no ink figure for a native frame: {step}");
    assert!(step["notes"].to_string().contains("unchecked, not metered"), "{step}");
}

#[test]
fn contract_input_errors_exit_2_with_the_compiler_message() {
    let output = diorama(&["run", "fixtures/bad-input/contracts"]);
    let all = text(&output);
    assert_eq!(output.status.code(), Some(2), "{all}");
    assert!(all.contains("build-error.scen.json:6:49: steps[0].accounts[\"address:broken\"].code"), "{all}");
    assert!(all.contains("error[E0308]: mismatched types"), "the compiler's message:\n{all}");
    assert!(all.contains("unknown-contract.scen.json:6:44"), "{all}");
    assert!(all.contains("no contract named `countr`"), "{all}");
    let check = diorama(&["check", "fixtures/bad-input/contracts"]);
    assert_eq!(check.status.code(), Some(2), "{}", text(&check));
}

#[test]
fn build_builds_every_contract_a_suite_names() {
    let output = diorama(&["build", "--only", "wasm", "fixtures/scenarios/contracts"]);
    let all = text(&output);
    assert_eq!(output.status.code(), Some(0), "{all}");
    let names =
        ["counter", "erc20", "cross_caller", "reentrancy_probe", "storage_heavy", "compute", "panics", "vault", "nft"];
    for name in names.into_iter().chain(["router"]) {
        assert!(all.contains(&format!("{name}: wasm ")), "{name} in\n{all}");
    }
    assert_eq!(diorama(&["build", "fixtures/bad-input/contracts"]).status.code(), Some(2));
}
