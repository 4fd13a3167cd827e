//! Every file in fixtures/bad-input must fail to load, at the place `expected.json` names.

use scenario_format::{load_scenario, validate_schema};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn bad_input_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/bad-input")
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn entry_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(bad_input_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".scen.json"))
        .collect();
    names.sort();
    names
}

#[test]
fn every_bad_input_fails_where_expected() {
    let dir = bad_input_dir();
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let expected = expected.as_object().unwrap();
    let names = entry_files();
    assert!(names.len() >= 24, "only {} bad inputs", names.len());
    let listed: Vec<&String> = expected.keys().collect();
    assert_eq!(names.iter().collect::<Vec<_>>(), listed, "expected.json and the folder disagree");

    let mut failures = Vec::new();
    for name in &names {
        let want = &expected[name];
        let path = dir.join(name);
        if want.get("stage").and_then(Value::as_str) == Some("prepare") {
            // Rules of the runner's preparation (ABI arguments): the format accepts the file;
            // runner/tests/cli checks the error and its position.
            if let Err(e) = load_scenario(&path) {
                failures.push(format!("{name}: a prepare-stage fixture must load: {e}"));
            }
            continue;
        }
        let err = match load_scenario(&path) {
            Ok(_) => {
                failures.push(format!("{name}: loaded without error"));
                continue;
            }
            Err(e) => e,
        };
        let want_file = dir.join(want.get("file").and_then(Value::as_str).unwrap_or(name));
        let line = want["line"].as_u64().map(|v| v as usize);
        let column = want["column"].as_u64().map(|v| v as usize);
        let contains = want["contains"].as_str().unwrap();
        if canonical(&err.file) != canonical(&want_file)
            || err.line != line
            || err.column != column
            || !err.message.contains(contains)
        {
            failures.push(format!(
                "{name}:\n  want {}:{line:?}:{column:?} containing {contains:?}\n  got  {err}",
                want_file.display()
            ));
        }
        // A file that is not UTF-8 is no JSON text: the schema cannot accept it.
        let schema_verdict = match String::from_utf8(std::fs::read(&path).unwrap()) {
            Ok(text) => validate_schema(&path, &text).is_err(),
            Err(_) => true,
        };
        let schema_rejects = want["schema_rejects"].as_bool().unwrap();
        if schema_verdict != schema_rejects {
            failures.push(format!("{name}: schema_rejects should be {}", !schema_rejects));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn cycle_error_shows_the_whole_chain() {
    let dir = bad_input_dir();
    let err = load_scenario(&dir.join("include-cycle.scen.json")).unwrap_err();
    let parts: Vec<&str> = err.message.trim_start_matches("externalSteps cycle: ").split(" -> ").collect();
    assert_eq!(parts.len(), 3, "{err}");
    assert!(parts[0].ends_with("include-cycle.scen.json"));
    assert!(parts[1].ends_with("included/cycle.steps.json"));
    assert!(parts[2].ends_with("include-cycle.scen.json"));
    assert_eq!(err.include_chain.len(), 1);
}
