//! Failures and bad input are reported precisely.

mod common;

use std::path::PathBuf;

use statetest::{CaseOutcome, Mismatch, StatetestError, StatetestOptions, run};

const GOOD_HASH: &str = "0xe8010ce590f401c9d61fef8ab05bea9bcec24281b795e5868809bc4e515aa530";
const BAD_HASH: &str = "0x00000000000000000000000000000000000000000000000000000000000000aa";

/// `stExample/add11.json` copied into a temporary folder with `edit` applied to its text.
fn copied_add11(edit: impl Fn(&str) -> String) -> (tempfile::TempDir, PathBuf) {
    let text = std::fs::read_to_string(common::data_dir().join("stExample/add11.json")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("add11.json");
    std::fs::write(&path, edit(&text)).unwrap();
    (dir, path)
}

#[test]
fn tampered_state_root_is_a_failure_naming_fork_and_indexes() {
    let (_dir, path) = copied_add11(|text| {
        assert!(text.contains(GOOD_HASH));
        text.replace(GOOD_HASH, BAD_HASH)
    });
    let report = run(std::slice::from_ref(&path), &StatetestOptions::default()).unwrap();
    assert_eq!((report.passed(), report.failed()), (0, 1));
    let failure = report.failures().next().unwrap();
    assert_eq!((failure.test.as_str(), failure.fork.as_str()), ("add11", "Cancun"));
    let CaseOutcome::Failed { mismatches } = &failure.outcome else { unreachable!() };
    assert!(matches!(&mismatches[..], [Mismatch::StateRoot { expected, actual }]
        if expected.to_string() == BAD_HASH && actual.to_string() == GOOD_HASH));

    let human = report.render_human(false);
    assert!(human.contains("add11 [Cancun d=0 g=0 v=0]"), "{human}");
    assert!(human.contains(&format!("state root: expected {BAD_HASH}, got {GOOD_HASH}")), "{human}");
    assert!(human.trim_end().ends_with("0 passed, 1 failed, 0 skipped"), "{human}");
    let diagnosis = report.diagnosis.as_deref().unwrap();
    assert!(diagnosis.contains("account changes (before -> after):"), "{diagnosis}");
    assert!(diagnosis.contains("SSTORE"), "the step trace shows the instructions: {diagnosis}");

    let json: serde_json::Value = serde_json::from_str(&report.render_json()).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["summary"]["failed"], 1);
    assert_eq!(json["cases"][0]["outcome"]["mismatches"][0]["expected"], BAD_HASH);
    assert_eq!(json["cases"][0]["indexes"]["data"], 0);

    let junit = report.render_junit();
    assert!(junit.contains("add11 [Cancun d=0 g=0 v=0]") && junit.contains("<failure"), "{junit}");
}

#[test]
fn tampered_logs_hash_and_unexpected_exception() {
    let (_dir, path) = copied_add11(|text| {
        text.replace("0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347", BAD_HASH)
            .replace("\"indexes\"", "\"expectException\" : \"TR_NoFunds\", \"indexes\"")
    });
    let report = run(&[path], &StatetestOptions { diagnose: false, ..Default::default() }).unwrap();
    let failure = report.failures().next().unwrap();
    let CaseOutcome::Failed { mismatches } = &failure.outcome else { unreachable!() };
    assert!(
        matches!(&mismatches[..], [Mismatch::Exception { expected: Some(e), actual: Some(_) }] if e == "TR_NoFunds")
    );
    assert!(report.diagnosis.is_none());
}

#[test]
fn filter_selects_cases() {
    let dir = common::data_dir().join("stExample");
    let opts = StatetestOptions { filter: Some("add11_yml".into()), ..Default::default() };
    let report = run(&[dir], &opts).unwrap();
    assert!(report.passed() >= 1 && report.cases.iter().all(|c| c.test == "add11_yml"), "{report:?}");
}

#[test]
fn bad_json_names_file_line_and_column() {
    let (_dir, path) = copied_add11(|text| text.replacen("\"balance\"", "\"balanse\"", 1));
    let err = run(std::slice::from_ref(&path), &StatetestOptions::default()).unwrap_err();
    let StatetestError::Parse { path: at, line, column, message } = &err else { panic!("{err}") };
    assert_eq!(at, &path);
    assert!(*line > 1 && *column > 1 && message.contains("balanse"), "{err}");
    assert!(err.to_string().starts_with(&format!("{}:{line}:{column}: ", path.display())));
}

#[test]
fn missing_path_is_bad_input() {
    let err = run(&[PathBuf::from("/nonexistent/statetests")], &StatetestOptions::default()).unwrap_err();
    assert!(matches!(err, StatetestError::Read { .. }), "{err}");
}
