//! Reports for CI: partitions, progress, the gas report, and the human/JSON/JUnit outputs
//! (insta snapshots, wall times redacted).

use std::collections::BTreeSet;

use super::{diorama, redact_times, root, text, without_times};

/// The `file` of every case in a JSON report.
fn files_of(stdout: &[u8]) -> (BTreeSet<String>, serde_json::Value) {
    let report: serde_json::Value = serde_json::from_slice(stdout).unwrap();
    let files =
        report["scenarios"].as_array().unwrap().iter().map(|s| s["file"].as_str().unwrap().to_string()).collect();
    (files, report)
}

/// Every `*.scen.json` under `folder`, as the runner names them.
fn scenario_files(folder: &str, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(root().join(folder)).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let path = format!("{folder}/{name}");
        if root().join(&path).is_dir() {
            scenario_files(&path, out);
        } else if name.ends_with(".scen.json") {
            out.insert(path);
        }
    }
}

#[test]
fn partitions_run_every_fixture_file_exactly_once() {
    let mut all = BTreeSet::new();
    scenario_files("fixtures/scenarios", &mut all);
    scenario_files("fixtures/should-fail", &mut all);
    let mut seen: Vec<String> = Vec::new();
    for k in 1..=3 {
        let part = format!("{k}/3");
        let output =
            diorama(&["run", "--partition", &part, "--format", "json", "fixtures/scenarios", "fixtures/should-fail"]);
        let (files, report) = files_of(&output.stdout);
        assert_eq!(report["partition"]["index"], k, "{}", text(&output));
        assert_eq!(report["partition"]["count"], 3);
        assert_eq!(report["partition"]["files"], files.len());
        assert_eq!(report["partition"]["totalFiles"], all.len());
        assert!(!files.is_empty(), "part {part} is empty: the fixtures are enough to fill three parts");
        seen.extend(files);
        let human = diorama(&["run", "--partition", &part, "fixtures/scenarios", "fixtures/should-fail"]);
        assert!(text(&human).contains(&format!("partition {part}: ")), "{}", text(&human));
    }
    let union: BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(seen.len(), union.len(), "a file ran in two parts: {seen:?}");
    assert_eq!(union, all);
    let bad = diorama(&["run", "--partition", "4/3", "fixtures/scenarios"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).contains("expected k/n with 1 <= k <= n"), "{}", text(&bad));
}

#[test]
fn progress_goes_to_stderr_only() {
    let files = ["fixtures/scenarios/erc20.scen.json", "fixtures/scenarios/events.scen.json"];
    let plain = diorama(&["run", "--progress", "plain", "--format", "json", files[0], files[1]]);
    let stderr = String::from_utf8_lossy(&plain.stderr);
    assert!(stderr.contains("progress: 1/2 files, 0 failed, last "), "{stderr}");
    assert!(stderr.contains("progress: 2/2 files, 0 failed, last "), "{stderr}");
    serde_json::from_slice::<serde_json::Value>(&plain.stdout).expect("stdout is the JSON report alone");
    let junit = diorama(&["run", "--progress", "plain", "--format", "junit", files[0]]);
    assert!(String::from_utf8_lossy(&junit.stdout).starts_with("<?xml"), "no progress in JUnit stdout");
    // Not a terminal: a run this short prints no progress at all, and `off` never does.
    for mode in ["auto", "off"] {
        let quiet = diorama(&["run", "--progress", mode, "--format", "json", files[0]]);
        assert!(!String::from_utf8_lossy(&quiet.stderr).contains("progress"), "{mode}");
    }
}

/// Every function the bundled scenarios call, canonical (`transfer(address,uint256)`).
fn fixture_functions() -> BTreeSet<String> {
    let mut files = BTreeSet::new();
    scenario_files("fixtures/scenarios", &mut files);
    for entry in std::fs::read_dir(root().join("fixtures/scenarios/steps")).unwrap() {
        files.insert(format!("fixtures/scenarios/steps/{}", entry.unwrap().file_name().to_string_lossy()));
    }
    let mut functions = BTreeSet::new();
    for file in files {
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root().join(file)).unwrap()).unwrap();
        for step in json["steps"].as_array().unwrap() {
            if let Some(function) = step["tx"]["function"].as_str() {
                functions.insert(diorama::abi::Signature::parse(function).unwrap().canonical());
            }
        }
    }
    functions
}

#[test]
fn gas_report_lists_each_fixture_function() {
    let functions = fixture_functions();
    assert!(functions.len() >= 15, "{functions:?}");
    let output = diorama(&["run", "--gas-report", "fixtures/scenarios"]);
    let all = text(&output);
    assert_eq!(output.status.code(), Some(0), "{all}");
    let report = &all[all.find("\ngas report\n").expect("a gas report")..];
    for function in &functions {
        assert!(report.contains(&format!("    {function} ")), "`{function}` missing from\n{report}");
    }
    // Per executor, with ink for Stylus and "not metered" where the debugger ran natively.
    assert!(report.contains(" wasmer ") && report.contains(" debugger ") && report.contains(" revm "), "{report}");
    assert!(report.contains("not metered"), "{report}");
    assert!(report.contains("ink min"), "{report}");

    let json = diorama(&["run", "--gas-report", "--format", "json", "fixtures/scenarios"]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let rows = report["gasReport"].as_array().unwrap();
    for function in &functions {
        assert!(rows.iter().any(|r| r["function"] == function.as_str()), "`{function}` missing from gasReport");
    }
    let counter = rows
        .iter()
        .find(|r| r["contract"] == "counter" && r["function"] == "increment()" && r["executor"] == "wasmer")
        .expect("the Stylus counter's increment on wasmer");
    assert!(counter["ink"]["min"].as_u64().unwrap() > 0, "{counter}");
    assert!(counter["gas"]["max"].as_u64().unwrap() >= counter["gas"]["median"].as_u64().unwrap());
    let native = rows
        .iter()
        .find(|r| r["contract"] == "counter" && r["executor"] == "debugger" && r["function"] == "increment()");
    let native = native.expect("the counter on the debugger");
    assert!(native["gas"].is_null() && native["unmetered"].as_u64().unwrap() > 0, "{native}");
    let plain = diorama(&["run", "--format", "json", "fixtures/scenarios/erc20.scen.json"]);
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("gasReport"), "only with --gas-report");
}

const SAMPLE: [&str; 3] = [
    "fixtures/should-fail/wrong-out.scen.json",
    "fixtures/should-fail/gas-too-high.scen.json",
    "fixtures/scenarios/erc20.scen.json",
];

#[test]
fn human_report_with_gas_report() {
    let output = diorama(&[&["run", "--gas-report"][..], &SAMPLE[..]].concat());
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("human_report", String::from_utf8(output.stdout).unwrap());
}

#[test]
fn json_report_with_gas_report() {
    let output = diorama(&[&["run", "--gas-report", "--format", "json"][..], &SAMPLE[..]].concat());
    let mut json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    redact_times(&mut json);
    assert_eq!(json["summary"]["failed"], 2);
    // The text as written (key order included), wall times blanked.
    insta::assert_snapshot!("json_report", without_times(&output.stdout));
}

#[test]
fn junit_report() {
    let output = diorama(&[&["run", "--format", "junit"][..], &SAMPLE[..]].concat());
    let xml = String::from_utf8(output.stdout).unwrap();
    let times = regex::Regex::new(r#"time="[0-9]+\.[0-9]{3}""#).unwrap();
    assert!(times.find_iter(&xml).count() >= 4, "suite and cases carry times: {xml}");
    insta::assert_snapshot!("junit_report", times.replace_all(&xml, r#"time="[s]""#));
}
