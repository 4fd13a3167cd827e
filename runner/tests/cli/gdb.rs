//! A debugger stops inside a contract's own Rust code: gdb, a breakpoint on a fixture
//! contract's method, the stop names the contract's source file and line. CI installs gdb.

use std::process::Command;

use super::{diorama, root, text};

#[test]
fn gdb_breakpoint_in_a_contract_function_stops_at_its_source_line() {
    let version = Command::new("gdb").arg("--version").output();
    assert!(version.is_ok_and(|o| o.status.success()), "gdb is needed (apt-get install gdb; .ci/run installs it)");
    // Build the native forms first, so that gdb only runs the scenario.
    let built = diorama(&["build", "--only", "native", "fixtures/scenarios/contracts"]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built));

    let source = std::fs::read_to_string(root().join("contracts/stylus/counter/src/lib.rs")).unwrap();
    let declared = source.lines().position(|l| l.contains("pub fn increment(&mut self)")).unwrap() + 1;
    let output = Command::new("gdb")
        .current_dir(root())
        .args(["-batch", "-nx", "-ex", "set breakpoint pending on", "-ex", "break counter::Counter::increment"])
        .args(["-ex", "run", "-ex", "info source", "-ex", "kill", "--args", env!("CARGO_BIN_EXE_diorama")])
        .args(["run", "--executor", "debugger", "fixtures/scenarios/contracts/counter.scen.json"])
        .output()
        .unwrap();
    let all = text(&output);
    let stop = all.lines().find(|l| l.contains("hit Breakpoint 1, counter::Counter::increment")).unwrap_or_else(|| {
        panic!("gdb did not stop in counter::Counter::increment:\n{all}");
    });
    let line: usize = stop.rsplit(':').next().and_then(|n| n.trim().parse().ok()).unwrap_or(0);
    assert!(stop.contains(" at src/lib.rs:"), "{stop}");
    assert!(
        line > declared && line <= declared + 3,
        "stopped at line {line}, `increment` is declared at {declared}: {stop}"
    );
    assert!(all.contains("contracts/stylus/counter/src/lib.rs"), "`info source` names the contract's file:\n{all}");
}
