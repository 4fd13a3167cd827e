//! `--isolate` and `--timeout` (issue 13): the `hazards` fixture contract aborts, loops forever
//! and recurses without bound. Natively (the debugger executor) each would take `diorama` down or
//! hang it; in worker processes they end as `crashed` / `timeout` while the rest of the suite
//! passes, on every report format, in a fixed order.

use super::{diorama, text};

fn json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(output)))
}

fn find<'a>(report: &'a serde_json::Value, file: &str, executor: &str) -> &'a serde_json::Value {
    report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["file"].as_str().unwrap().ends_with(file) && s["executor"] == executor)
        .unwrap_or_else(|| panic!("no {file} [{executor}] in {report:#}"))
}

#[test]
fn native_hazards_crash_or_time_out_and_the_rest_passes() {
    let dir = std::env::temp_dir().join(format!("diorama-isolation-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let junit = dir.join("report.xml");
    let args =
        ["run", "--timeout", "10", "--format", "json", "--report", junit.to_str().unwrap(), "fixtures/isolation"];
    let output = diorama(&args);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let report = json(&output);
    assert_eq!(report["summary"]["crashed"], 2, "{report:#}");
    assert_eq!(report["summary"]["timedOut"], 1, "{report:#}");
    // Metered, the same contracts end deterministically: every Wasmer run passes.
    for file in ["abort.scen.json", "spin.scen.json", "recurse.scen.json", "counter.scen.json"] {
        assert_eq!(find(&report, file, "wasmer")["result"], "passed", "{file}: {report:#}");
    }
    assert_eq!(find(&report, "counter.scen.json", "debugger")["result"], "passed");
    let abort = find(&report, "abort.scen.json", "debugger");
    assert_eq!(abort["result"], "crashed");
    let reason = abort["reason"].as_str().unwrap();
    assert!(reason.contains("SIGABRT") && reason.contains("step \"abort\" (#2) call at"), "{reason}");
    let recurse = find(&report, "recurse.scen.json", "debugger");
    assert_eq!(recurse["result"], "crashed");
    let reason = recurse["reason"].as_str().unwrap();
    assert!(reason.contains("step \"recurse\" (#1)") && reason.contains("overflowed its stack"), "{reason}");
    let spin = find(&report, "spin.scen.json", "debugger");
    assert_eq!(spin["result"], "timeout");
    let reason = spin["reason"].as_str().unwrap();
    assert!(reason.contains("still running 10 s") && reason.contains("step \"spin\" (#1) call"), "{reason}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("type=\"crashed\"").count(), 2, "{xml}");
    assert_eq!(xml.matches("type=\"timeout\"").count(), 1, "{xml}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn isolated_reports_are_the_in_process_reports() {
    // Every field crosses the worker pipe: failures, diffs, notes, parity, in the same order.
    // Call trees too, with hostio records (`--trace=all,hostio`).
    for (folder, trace) in [
        ("fixtures/should-fail", "-v"),
        ("fixtures/scenarios/contracts", "-v"),
        ("fixtures/traces", "--trace=all,hostio"),
    ] {
        let here = diorama(&["run", trace, folder]);
        let isolated = diorama(&["run", trace, "--isolate", "--jobs", "3", folder]);
        assert_eq!(here.status.code(), isolated.status.code(), "{folder}: {}", text(&isolated));
        assert_eq!(
            String::from_utf8_lossy(&here.stdout),
            String::from_utf8_lossy(&isolated.stdout),
            "{folder}: --isolate changed the report"
        );
    }
}

#[test]
fn isolate_alone_reports_the_crash_and_runs_the_rest() {
    let one = diorama(&[
        "run",
        "--isolate",
        "--jobs",
        "1",
        "--executor",
        "debugger",
        "fixtures/isolation/abort.scen.json",
        "fixtures/isolation/counter.scen.json",
    ]);
    let all = text(&one);
    assert_eq!(one.status.code(), Some(1), "{all}");
    assert!(all.contains("CRASH fixtures/isolation/abort.scen.json [debugger]"), "{all}");
    assert!(all.contains("PASS fixtures/isolation/counter.scen.json [debugger]"), "{all}");
    assert!(all.contains("1 passed, 0 failed, 0 skipped, 1 crashed"), "{all}");
}
