//! Streamed runs of large scenario files. The plain run of a file above [`STREAM_ABOVE_BYTES`]
//! (one not run as it loads, or whose run as it loaded could not be kept: see
//! [`crate::overlap`]) never holds it as a list of steps: a first pass loads and prepares every
//! step and drops it, which finds every input error before anything runs (as for any file) and
//! what the whole scenario needs (executors, contracts, known signatures); then each
//! configuration's run reads the file again and prepares each step just before it runs. Memory
//! stays the file's text and the reports, at the price of parsing the file once more per
//! configuration.

use std::path::Path;

use crate::artifacts::Artifacts;
use crate::execute::ScenarioRun;
use crate::prepare::{PreparedScenario, Preparer};
use crate::report::ScenarioReport;
use crate::suite::RunOptions;

/// Files larger than this are streamed (unless [`RunOptions::stream_above_bytes`] says
/// otherwise): below it, holding the prepared steps costs little and saves the second parse.
pub const STREAM_ABOVE_BYTES: u64 = 16 << 20;

/// Whether a file of `size` bytes (`None`: unknown) is run streamed.
pub(crate) fn streams(size: Option<u64>, options: &RunOptions) -> bool {
    let limit = options.stream_above_bytes.unwrap_or(STREAM_ABOVE_BYTES);
    size.is_some_and(|size| size > limit)
}

/// A streamed scenario after its first pass: everything but its steps.
pub(crate) struct Streamed {
    /// The prepared scenario, without steps.
    pub(crate) header: PreparedScenario,
    /// How many steps it has.
    pub(crate) steps: usize,
}

/// The first pass: every step loaded and prepared, then dropped. An unusable file gives its
/// `Error` report, with the error loading the whole file would give.
pub(crate) fn prepare(path: &Path, artifacts: &Artifacts) -> Result<Streamed, Box<ScenarioReport>> {
    let unusable = |message: String| Box::new(crate::suite::error_report(path, crate::execute::REVM, message));
    let mut preparer = Preparer::new(artifacts);
    let mut first_error = None;
    let mut steps = 0;
    let header = scenario_format::visit_scenario(path, &mut |entry| {
        steps += 1;
        // Loading errors come before preparing errors: the file is read to its end.
        if first_error.is_none()
            && let Err(e) = preparer.step(entry)
        {
            first_error = Some(e);
        }
    })
    .map_err(|e| unusable(e.to_string()))?;
    if let Some(e) = first_error {
        return Err(unusable(e.to_string()));
    }
    Ok(Streamed { header: preparer.finish(header, Vec::new()), steps })
}

/// Feeds a run the file's steps, each prepared just before it runs.
pub(crate) fn feed(path: &Path, artifacts: &Artifacts, steps: usize, run: &mut ScenarioRun<'_>) {
    run.reserve(steps);
    let mut preparer = Preparer::new(artifacts);
    let mut failed = None;
    let visited = scenario_format::visit_scenario(path, &mut |entry| {
        if failed.is_none() {
            match preparer.step(entry) {
                Ok(step) => run.step(&step),
                Err(e) => failed = Some(e.to_string()),
            }
        }
    });
    // The first pass found the file usable: it changed since.
    if let Some(message) = visited.err().map(|e| e.to_string()).or(failed) {
        run.input_error(format!("{message} (the file changed during the run)"));
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::path::PathBuf;

    /// The JSON report of the bundled passing, failing, unusable and traced scenarios on two
    /// threads, with call trees, under options `adjust` sets, wall times blanked.
    pub(crate) fn fixtures_report(adjust: impl FnOnce(&mut RunOptions)) -> serde_json::Value {
        let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
        let paths: Vec<PathBuf> = ["scenarios", "should-fail", "bad-input", "traces"].map(|d| fixtures.join(d)).into();
        contracts_built(&paths);
        let mut options = RunOptions {
            jobs: 2,
            trace: world_mock::TraceLevel { calls: true, ..Default::default() },
            ..Default::default()
        };
        adjust(&mut options);
        let report = crate::suite::run_paths(&paths, &options).unwrap();
        let mut json: serde_json::Value = serde_json::from_str(&crate::report::render_json(&report)).unwrap();
        blank_times(&mut json);
        let scenarios = json["scenarios"].as_array().map_or(0, Vec::len);
        assert!(scenarios > 60, "only {scenarios} scenario reports");
        json
    }

    /// Runs the fixtures once per process before any compared run, so that the compared runs
    /// find their contracts built: a run that builds them shares the machine with other tests'
    /// builds, and a build that fails for the machine (memory, disk) fails in that run only.
    fn contracts_built(paths: &[PathBuf]) {
        static BUILT: std::sync::Once = std::sync::Once::new();
        BUILT.call_once(|| {
            let _ = crate::suite::run_paths(paths, &RunOptions { jobs: 2, ..Default::default() });
        });
    }

    /// Asserts two reports are equal; if not, names the JSON paths where they first differ
    /// (the whole reports are too long for a CI log's excerpt).
    pub(crate) fn assert_same_report(left: &serde_json::Value, right: &serde_json::Value, context: &str) {
        let differences = differences(left, right);
        assert!(differences.is_empty(), "{context}: the reports differ at\n{}", differences.join("\n"));
    }

    /// The JSON paths where `left` and `right` differ (up to eight), with both values.
    fn differences(left: &serde_json::Value, right: &serde_json::Value) -> Vec<String> {
        let mut out = Vec::new();
        differences_at("", left, right, &mut out);
        out
    }

    fn differences_at(path: &str, left: &serde_json::Value, right: &serde_json::Value, out: &mut Vec<String>) {
        use serde_json::Value;
        const SHOWN: usize = 8;
        if out.len() >= SHOWN || left == right {
            return;
        }
        match (left, right) {
            (Value::Object(l), Value::Object(r)) => {
                let keys: std::collections::BTreeSet<&String> = l.keys().chain(r.keys()).collect();
                for key in keys {
                    let (a, b) = (l.get(key).unwrap_or(&Value::Null), r.get(key).unwrap_or(&Value::Null));
                    differences_at(&format!("{path}.{key}"), a, b, out);
                }
            }
            (Value::Array(l), Value::Array(r)) => {
                if l.len() != r.len() {
                    out.push(format!("{path}: {} items vs {}", l.len(), r.len()));
                }
                for (i, (a, b)) in l.iter().zip(r).enumerate() {
                    // Name a scenario by its file, not only its rank.
                    let name = a.get("file").and_then(Value::as_str).map(|f| format!(" ({f})")).unwrap_or_default();
                    differences_at(&format!("{path}[{i}]{name}"), a, b, out);
                }
            }
            _ => out.push(format!("{path}: {} vs {}", shortened(left), shortened(right))),
        }
    }

    /// A value's JSON, cut to 300 characters (a whole scenario's report would hide the rest).
    fn shortened(value: &serde_json::Value) -> String {
        let text = value.to_string();
        match text.char_indices().nth(300) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text,
        }
    }

    fn blank_times(json: &mut serde_json::Value) {
        match json {
            serde_json::Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    if key == "wallTimeMs" {
                        *value = serde_json::Value::Null;
                    } else {
                        blank_times(value);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(blank_times),
            _ => {}
        }
    }

    #[test]
    fn report_differences_are_named_by_path_and_file() {
        let left = serde_json::json!({"scenarios": [{"file": "a.json", "steps": [1, 2]}], "passed": 1});
        let right = serde_json::json!({"scenarios": [{"file": "a.json", "steps": [1, 3]}], "failed": 0});
        assert_eq!(
            differences(&left, &right),
            [".failed: null vs 0", ".passed: 1 vs null", ".scenarios[0] (a.json).steps[1]: 2 vs 3"]
        );
        let (long, short) = (serde_json::json!({"steps": ["x".repeat(400), 1]}), serde_json::json!({"steps": [7]}));
        let differences = differences(&long, &short);
        assert_eq!(differences[0], ".steps: 2 items vs 1");
        assert_eq!(differences[1], format!(".steps[0]: \"{}… vs 7", "x".repeat(299)));
    }

    #[test]
    fn streamed_runs_report_what_whole_runs_report() {
        for keep_going in [false, true] {
            let whole = fixtures_report(|o| (o.keep_going, o.stream_above_bytes) = (keep_going, Some(u64::MAX)));
            let streamed = fixtures_report(|o| {
                (o.keep_going, o.stream_above_bytes, o.overlap.from_bytes) = (keep_going, Some(0), None);
            });
            assert_same_report(&streamed, &whole, &format!("keep_going: {keep_going}"));
        }
    }
}
