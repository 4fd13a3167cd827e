//! The `diorama` binary, end to end, on the bundled fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod bless;
mod cache;
mod debugger;
mod fuzz;
mod gdb;
mod isolation;
mod junit_xsd;
mod profile;
mod real_world;
mod reports;
mod snapshot;
mod trace;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
}

fn diorama(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_diorama")).current_dir(root()).env("NO_COLOR", "1").args(args).output().unwrap()
}

/// An empty folder for one test (removed first if a previous run left it), removed again when
/// the test ends, passed or failed.
fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("diorama-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

/// A test's folder (see [`scratch`]).
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A JSON report's text with its wall times blanked, for comparing runs.
fn without_times(stdout: &[u8]) -> String {
    let times = regex::Regex::new(r#""wallTimeMs": [0-9.e+-]+"#).unwrap();
    let text = String::from_utf8_lossy(stdout);
    assert!(times.is_match(&text), "the report carries wall times");
    times.replace_all(&text, r#""wallTimeMs": "[ms]""#).into_owned()
}

/// The JSON report with every `wallTimeMs` replaced by `"[ms]"` (after checking it is a number).
fn redact_times(json: &mut serde_json::Value) {
    match json {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "wallTimeMs" {
                    assert!(value.as_f64().is_some_and(|ms| ms >= 0.0), "wallTimeMs: {value}");
                    *value = serde_json::Value::String("[ms]".into());
                } else {
                    redact_times(value);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_times),
        _ => {}
    }
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn entries(folder: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join(folder))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".scen.json"))
        .collect();
    names.sort();
    names
}

#[test]
fn bundled_scenarios_pass() {
    let output = diorama(&["run", "fixtures/scenarios"]);
    let all = text(&output);
    assert_eq!(output.status.code(), Some(0), "{all}");
    assert!(all.contains("0 failed"), "{all}");
    assert!(!all.contains("SKIP"), "no bundled scenario may be skipped: {all}");
    // revm alone cannot measure ink: the expectation is reported, never silently passed.
    assert!(all.contains("ink 0: unchecked, not metered"), "{all}");
}

#[test]
fn every_should_fail_scenario_fails_with_its_message() {
    let expected: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(root().join("fixtures/should-fail/expected.json")).unwrap())
            .unwrap();
    let files = entries("fixtures/should-fail");
    assert_eq!(files.len(), expected.len(), "every should-fail scenario needs an entry in expected.json");
    for file in files {
        let message = expected[&file].as_str().unwrap();
        let output = diorama(&["run", &format!("fixtures/should-fail/{file}")]);
        let all = text(&output);
        assert_eq!(output.status.code(), Some(1), "{file} should fail with exit 1:\n{all}");
        assert!(all.contains(message), "{file}: expected the message `{message}` in:\n{all}");
        assert!(
            all.contains(&format!("fixtures/should-fail/{file}:")),
            "{file}: the failure must name the file and line:\n{all}"
        );
    }
}

#[test]
fn every_bad_input_exits_2_with_a_position() {
    let expected: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(root().join("fixtures/bad-input/expected.json")).unwrap())
            .unwrap();
    let files = entries("fixtures/bad-input");
    assert!(files.len() >= 20, "the bad-input set has {} files", files.len());
    for file in files {
        let path = format!("fixtures/bad-input/{file}");
        let want = &expected[&file];
        let want_file = want.get("file").and_then(|f| f.as_str()).unwrap_or(&file);
        let want_at = format!("{want_file}:{}:{}: ", want["line"], want["column"]);
        let contains = want["contains"].as_str().unwrap();
        let mut messages = Vec::new();
        for command in ["check", "run"] {
            let output = diorama(&[command, &path]);
            let all = text(&output);
            assert_eq!(output.status.code(), Some(2), "{command} {file}: exit code\n{all}");
            assert!(!all.contains("panicked"), "{command} {file} panicked:\n{all}");
            let located = has_position(&all);
            assert!(located, "{command} {file}: no file:line:column in\n{all}");
            let line = all.lines().find(|l| l.contains(&want_at)).unwrap_or_else(|| {
                panic!("{command} {file}: no error at `{want_at}` in\n{all}");
            });
            assert!(line.contains(contains), "{command} {file}: `{contains}` missing from\n{line}");
            messages.push(line.trim().trim_start_matches("error: ").to_owned());
        }
        // One strict parser: `check` and `run` give the same verdict, word for word.
        assert_eq!(messages[0], messages[1], "{file}: check and run disagree");
    }
}

/// True when the text has `….json:LINE:COLUMN`.
fn has_position(text: &str) -> bool {
    text.match_indices(".json:").any(|(i, m)| {
        let rest = &text[i + m.len()..];
        let mut parts = rest.splitn(3, ':');
        let line = parts.next().unwrap_or("");
        let column: String = parts.next().unwrap_or("").chars().take_while(char::is_ascii_digit).collect();
        !line.is_empty() && line.chars().all(|c| c.is_ascii_digit()) && !column.is_empty()
    })
}

#[test]
fn reports_are_identical_whatever_the_thread_count() {
    let one = diorama(&["run", "--jobs", "1", "--format", "json", "fixtures/scenarios", "fixtures/should-fail"]);
    let many = diorama(&["run", "--jobs", "4", "--format", "json", "fixtures/scenarios", "fixtures/should-fail"]);
    assert_eq!(one.status.code(), Some(1));
    // Wall times are the only figures that may differ; everything else is byte-identical.
    let times = String::from_utf8_lossy(&one.stdout).matches("\"wallTimeMs\": ").count();
    assert!(times > 100, "scenarios and steps carry wall times");
    assert_eq!(without_times(&one.stdout), without_times(&many.stdout));
    let mut report: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    redact_times(&mut report);
    assert_eq!(report["schemaVersion"], 1);
    assert!(report["summary"]["failed"].as_u64().unwrap() >= 17);
}

#[test]
fn junit_report_lists_each_scenario() {
    let dir = scratch("junit");
    let report = dir.join("report.xml");
    let output = diorama(&[
        "run",
        "--format",
        "junit",
        "--report",
        report.to_str().unwrap(),
        "fixtures/should-fail/wrong-out.scen.json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let xml = std::fs::read_to_string(&report).unwrap();
    assert!(xml.contains("<testcase name=\"wrong-out [revm]\""), "{xml}");
    assert!(xml.contains("<failure"), "{xml}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), xml);
}

#[test]
fn filter_selects_by_path_before_reading() {
    // `fixtures/` holds broken files (bad-input/): not selected, they are never read.
    let output = diorama(&["run", "--filter", "scenarios/erc20", "fixtures"]);
    let all = text(&output);
    assert_eq!(output.status.code(), Some(0), "{all}");
    assert!(all.contains("1 passed, 0 failed"), "{all}");
    let none = diorama(&["run", "--filter", "no-such-scenario", "fixtures"]);
    assert_eq!(none.status.code(), Some(0), "like `forge test`, a filter that selects nothing is a warning");
    assert!(text(&none).contains("warning: no scenario file path contains `no-such-scenario`"), "{}", text(&none));
}

#[test]
fn schema_is_printed_and_valid_json() {
    let output = diorama(&["schema"]);
    assert_eq!(output.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(schema.get("$schema").is_some());
}

#[test]
fn missing_path_is_bad_input() {
    let output = diorama(&["run", "fixtures/no-such-folder"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output).contains("no such file or folder"));
}

#[test]
fn statetest_subcommand_runs_state_tests() {
    let folder = root().join("../shared/ethereum-tests/GeneralStateTests/stExample");
    let output = diorama(&["statetest", folder.to_str().unwrap()]);
    let all = text(&output);
    assert_eq!(output.status.code(), Some(0), "{all}");
    assert!(all.contains(" passed, 0 failed"), "{all}");
    let missing = diorama(&["statetest", "no/such/folder"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn activate_reports_figures_or_the_rejected_rule() {
    let ok = diorama(&["activate", "fixtures/wasm/counter.wasm"]);
    let all = text(&ok);
    assert_eq!(ok.status.code(), Some(0), "{all}");
    for figure in ["module hash", "footprint        1 pages", "init cost        4562", "activation gas"] {
        assert!(all.contains(figure), "missing `{figure}` in\n{all}");
    }
    let mut rejected = 0;
    for entry in std::fs::read_dir(root().join("fixtures/wasm/wat")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !name.starts_with("reject-") {
            continue;
        }
        let output = diorama(&["activate", &format!("fixtures/wasm/wat/{name}")]);
        assert_eq!(output.status.code(), Some(1), "{name}: {}", text(&output));
        assert!(text(&output).contains("rejected: "), "{name}: {}", text(&output));
        rejected += 1;
    }
    assert!(rejected >= 12, "only {rejected} rejection modules");
    assert_eq!(diorama(&["activate", "no/such.wasm"]).status.code(), Some(2));
}

/// Regression: with a cold module cache, parallel scenarios compiling Stylus programs at once
/// once deadlocked (a rayon worker holding the compile lock stole a job that compiled too).
#[test]
fn cold_cache_parallel_stylus_runs_finish() {
    let cache = std::env::temp_dir().join(format!("diorama-cold-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    let mut child = Command::new(env!("CARGO_BIN_EXE_diorama"))
        .current_dir(root())
        .env("DIORAMA_CACHE_DIR", &cache)
        .args(["run", "--jobs", "4", "fixtures/scenarios/stylus"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("`diorama run` with a cold cache did not finish in 300 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let _ = std::fs::remove_dir_all(&cache);
    assert_eq!(status.code(), Some(0));
}

/// The JSON report lists each transaction's Stylus frames with address, executor, depth, status,
/// gas, inclusive and self ink; the transaction's ink is the outermost frame's inclusive ink.
#[test]
fn json_report_lists_stylus_frames_with_inclusive_and_self_ink() {
    let output = diorama(&["run", "--format", "json", "fixtures/scenarios/stylus/cross-vm.scen.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let steps = report["scenarios"][0]["steps"].as_array().unwrap();
    let step = steps.iter().find(|s| s["id"] == "rust-solidity-rust").expect("the step is reported");
    let frames = step["frames"].as_array().expect("a frame list");
    assert_eq!(frames.len(), 2, "{step:#}");
    let rust = "0x727573745f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f"; // address:rust
    for (frame, depth) in frames.iter().zip([1, 3]) {
        assert_eq!((frame["address"].as_str(), frame["executor"].as_str()), (Some(rust), Some("wasmer")));
        assert_eq!((frame["depth"].as_u64(), frame["status"].as_str()), (Some(depth), Some("success")));
    }
    let n = |v: &serde_json::Value| v.as_u64().unwrap();
    let (outer, inner) = (&frames[0], &frames[1]);
    assert_eq!(n(&step["inkUsed"]), n(&outer["ink"]), "the tx ink is the outer frame's inclusive ink");
    assert_eq!(n(&step["inkUsed"]), 682_278_987);
    // The outer frame paid for the call into Solidity, which includes the whole inner frame.
    assert!(n(&outer["ink"]) - n(&outer["selfInk"]) > n(&inner["gasUsed"]) * 10_000, "{frames:#?}");
    assert_eq!(n(&inner["ink"]), n(&inner["selfInk"]), "the inner frame calls nothing");
    assert!(n(&outer["gasUsed"]) > n(&inner["gasUsed"]));
}

/// A call to an Arbitrum precompile diorama does not implement fails, and the report names it
/// (issue 8, item 14); ArbWasmCache's refusal names the caller.
#[test]
fn unimplemented_precompiles_are_named_in_the_report() {
    let output = diorama(&["run", "--format", "json", "fixtures/scenarios/arbitrum/precompiles.scen.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let steps = report["scenarios"][0]["steps"].as_array().unwrap();
    let step = |id: &str| steps.iter().find(|s| s["id"] == id).unwrap_or_else(|| panic!("step {id}"));
    let unimplemented = step("unimplemented");
    assert_eq!(unimplemented["status"], "failure");
    let detail = unimplemented["detail"].as_str().unwrap();
    assert!(detail.contains("ArbRetryableTx") && detail.contains("does not implement"), "{detail}");
    let refused = step("not-a-manager")["detail"].as_str().unwrap().to_string();
    assert!(refused.contains("neither a cache manager nor a chain owner"), "{refused}");
}

/// Arbitrum system accounts (issue 8, item 5): an exact `checkState` need not list them, and
/// `dumpState` writes them apart from the scenario's accounts.
#[test]
fn system_accounts_are_apart_in_checks_and_dumps() {
    let dir = scratch("system-accounts");
    let wasm = root().join("fixtures/wasm/counter.wasm");
    let scenario = serde_json::json!({
        "steps": [
            { "step": "setState",
              "accounts": { "address:alice": { "balance": "1,000,000,000,000,000,000" },
                            "address:counter": { "code": format!("wasm:{}", wasm.display()) } },
              "arbitrum": { "networkFeeAccount": "address:fees", "chainOwners": ["address:owner"] } },
            { "step": "activate", "tx": { "from": "address:alice", "program": "address:counter" },
              "expect": { "status": "success" } },
            { "step": "checkState",
              "accounts": { "address:alice": {}, "address:counter": { "program": { "activated": true } } } },
            { "step": "dumpState", "path": "dump.steps.json" }
        ]
    });
    let file = dir.join("system.scen.json");
    std::fs::write(&file, serde_json::to_string_pretty(&scenario).unwrap()).unwrap();
    let output = diorama(&["run", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));

    let dump: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("dump.steps.json")).unwrap()).unwrap();
    let steps = dump["steps"].as_array().unwrap();
    let user: Vec<&String> = steps[0]["accounts"].as_object().unwrap().keys().collect();
    assert_eq!(user, ["address:alice", "address:counter"]);
    assert_eq!(steps[0]["arbitrum"]["networkFeeAccount"], "address:fees");
    assert_eq!(steps[0]["arbitrum"]["chainOwners"][0], "address:owner");
    let system = steps[1]["accounts"].as_object().unwrap();
    assert!(steps[1]["comment"].as_str().unwrap().contains("Arbitrum system accounts"));
    // The fee account (paid the data fee), ArbWasm and ArbSys (placeholder code) and the ArbOS
    // state account (the program record).
    for key in [
        "address:fees",
        "0x0000000000000000000000000000000000000071",
        "0x0000000000000000000000000000000000000064",
        "0xa4b05fffffffffffffffffffffffffffffffffff",
    ] {
        assert!(system.contains_key(key), "{key} in {system:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
