//! `diorama bless`: rewrites the failing expectations of scenarios from what actually happened.
//!
//! Each mismatch names a value under its step (`expect.out[0]`, `expect.gasUsed`,
//! `accounts["address:bob"].storage["0"]`); bless computes the actual value's text in the style
//! of the old one ([`values`]) and replaces just that value's bytes ([`edit`]); unlisted storage
//! slots of an exact map are added. When a scenario runs on two executors, both must want the
//! same text or the value is left alone. The changes are shown first (`--dry-run` stops there),
//! written atomically, and the blessed scenarios are run again to confirm they pass.

mod edit;
mod fixes;
mod values;

pub use fixes::{Edit, Fix, NotBlessed};

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::PathBuf;
use std::sync::Arc;

use similar::TextDiff;

use crate::prepare::PreparedScenario;
use crate::report::{ScenarioOutcome, ScenarioReport};
use crate::suite::{
    RunOptions, SuiteError, for_each_file, prepare_file, run_artifacts, run_file, run_prepared, select_files,
};

/// What bless did; the CLI prints `output` and exits with `exit_code`.
#[derive(Clone, Debug)]
pub struct BlessOutcome {
    /// Text for stdout.
    pub output: String,
    /// 0: everything blessed (and passing); 1: something left failing or not blessed.
    pub exit_code: u8,
    /// The files written (none with `--dry-run`).
    pub written: Vec<PathBuf>,
}

/// Why nothing could be blessed (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum BlessError {
    /// The suite could not run at all.
    #[error(transparent)]
    Suite(#[from] SuiteError),
    /// Some scenarios are unusable input.
    #[error("cannot bless, some scenarios could not run:\n{}", .0.join("\n"))]
    Unusable(Vec<String>),
    /// The edits do not apply to a file's text.
    #[error("{}: {message}", file.display())]
    Edit {
        /// The file.
        file: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A scenario file cannot be read back or written.
    #[error("{}: {source}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A scenario file changed while it ran.
    #[error("{}: changed on disk during the run; nothing written", .0.display())]
    ChangedDuringRun(PathBuf),
}

/// Runs the scenarios under `paths` and blesses their failing expectations. `Err` is an
/// unusable input (exit 2).
pub fn bless(paths: &[PathBuf], run: &RunOptions, dry_run: bool) -> Result<BlessOutcome, BlessError> {
    let (files, _) = select_files(paths, run.filter.as_deref(), run.partition)?;
    let artifacts = run_artifacts(run);
    let results = for_each_file(
        &files,
        run,
        |file| {
            Some(match prepare_file(file, &artifacts) {
                Ok(prepared) => {
                    let reports = run_prepared(&prepared, &artifacts, run);
                    (Some(prepared), reports)
                }
                Err(report) => (None, vec![*report]),
            })
        },
        |(_, reports)| reports.iter().any(|r| r.outcome == ScenarioOutcome::Failed),
    )?;
    let mut errors = Vec::new();
    let mut fixes: Vec<(PathBuf, Fix)> = Vec::new();
    let mut not_blessed: Vec<NotBlessed> = Vec::new();
    for (prepared, reports) in &results {
        for report in reports {
            if let ScenarioOutcome::Error(message) = &report.outcome {
                errors.push(format!("{} [{}]: {message}", report.file.display(), report.executor));
            }
        }
        if let Some(prepared) = prepared {
            collect(prepared, reports, &mut fixes, &mut not_blessed);
        }
    }
    if !errors.is_empty() {
        return Err(BlessError::Unusable(errors));
    }
    let (by_file, conflicts) = group(fixes);
    not_blessed.extend(conflicts);
    let mut output = String::new();
    let mut written = Vec::new();
    let mut scenarios: BTreeSet<PathBuf> = BTreeSet::new();
    let mut rewritten: Vec<(Arc<PathBuf>, String)> = Vec::new();
    for (file, (source, entries)) in &by_file {
        let list: Vec<&Fix> = entries.iter().map(|(_, f)| f).collect();
        let new = edit::apply(source, &list)
            .map_err(|message| BlessError::Edit { file: file.as_path().to_path_buf(), message })?;
        if new == **source {
            continue;
        }
        describe(&mut output, file, source, &list, &new);
        scenarios.extend(entries.iter().map(|(scenario, _)| scenario.clone()));
        rewritten.push((file.clone(), new));
    }
    let values: usize = by_file.values().map(|(_, e)| e.len()).sum();
    if !dry_run {
        for (file, _) in &rewritten {
            // The file must still be what was run, or the edits would land on other text.
            let on_disk = std::fs::read_to_string(file.as_path())
                .map_err(|source| BlessError::Io { file: file.as_path().to_path_buf(), source })?;
            let loaded = &by_file[file].0;
            if on_disk != **loaded {
                return Err(BlessError::ChangedDuringRun(file.as_path().to_path_buf()));
            }
        }
        for (file, new) in &rewritten {
            crate::atomic::write(file, new.as_bytes()).map_err(|e| BlessError::Io {
                file: file.as_path().to_path_buf(),
                source: std::io::Error::new(e.kind(), format!("cannot write: {e}")),
            })?;
            written.push(file.as_path().to_path_buf());
        }
    }
    for item in &not_blessed {
        let _ = writeln!(output, "not blessed: {} {}: {}", item.location, item.field, item.reason);
    }
    let mut exit_code = u8::from(!not_blessed.is_empty());
    let verb = if dry_run { "would bless" } else { "blessed" };
    let _ = writeln!(output, "{verb} {values} values in {} files", rewritten.len());
    if !dry_run && !scenarios.is_empty() {
        let still_failing = verify(&scenarios, run);
        if still_failing.is_empty() {
            let _ = writeln!(output, "{} blessed scenario files pass", scenarios.len());
        } else {
            exit_code = 1;
            let _ = writeln!(output, "still failing after bless (see `diorama run`): {}", still_failing.join(", "));
        }
    }
    Ok(BlessOutcome { output, exit_code, written })
}

/// The fixes for every failing run of one scenario, and what cannot be blessed.
fn collect(
    prepared: &PreparedScenario,
    reports: &[ScenarioReport],
    fixes: &mut Vec<(PathBuf, Fix)>,
    not_blessed: &mut Vec<NotBlessed>,
) {
    for report in reports.iter().filter(|r| r.outcome == ScenarioOutcome::Failed) {
        for step in report.steps.iter().filter(|s| !s.mismatches.is_empty()) {
            let Some(prepared_step) = prepared.steps.get(step.index) else {
                continue;
            };
            let found = fixes::StepFixes::of(prepared_step, step);
            fixes.extend(found.fixes.into_iter().map(|f| (prepared.file.clone(), f)));
            not_blessed.extend(found.not_blessed.into_iter().map(|mut n| {
                n.field = format!("{} [{}]", n.field, report.executor);
                n
            }));
        }
        if let Some(divergence) = report.divergence.as_ref().filter(|d| d.executors[1] == report.executor) {
            not_blessed.push(NotBlessed {
                location: divergence.location.clone(),
                field: divergence.field.clone(),
                reason: format!(
                    "the executors disagree ({} vs {}); fix the contract or the scenario",
                    divergence.values[0], divergence.values[1]
                ),
            });
        }
    }
}

/// Fixes by file: the file's text as loaded, and each fix with the scenario it came from.
type ByFile = BTreeMap<Arc<PathBuf>, (Arc<String>, Vec<(PathBuf, Fix)>)>;

/// What a fix edits: file, JSON path, and the key it inserts (if it does).
type FixTarget = (Arc<PathBuf>, String, Option<String>);

/// Fixes by the file they edit, once each; two runs wanting different text at one path are a
/// conflict, and neither is applied.
fn group(fixes: Vec<(PathBuf, Fix)>) -> (ByFile, Vec<NotBlessed>) {
    let mut wanted: BTreeMap<FixTarget, Vec<(PathBuf, Fix)>> = BTreeMap::new();
    for (scenario, fix) in fixes {
        // An insertion is identified by its object and key, so two values for one key conflict.
        let key = match &fix.edit {
            Edit::Insert(key, _) => Some(key.clone()),
            Edit::Replace(_) => None,
        };
        wanted.entry((fix.file.clone(), fix.path.clone(), key)).or_default().push((scenario, fix));
    }
    let mut by_file: ByFile = BTreeMap::new();
    let mut conflicts = Vec::new();
    for ((file, path, inserted), mut candidates) in wanted {
        candidates.dedup_by(|a, b| a.1 == b.1);
        let distinct: BTreeSet<String> = candidates.iter().map(|(_, f)| format!("{:?}", f.edit)).collect();
        if distinct.len() > 1 {
            conflicts.push(NotBlessed {
                location: file.display().to_string(),
                field: inserted.map_or(path.clone(), |key| format!("{path}[{key}]")),
                reason: "the runs disagree on the actual value".to_string(),
            });
            continue;
        }
        let mut seen = BTreeSet::new();
        let entry = by_file.entry(file.clone()).or_insert_with(|| (candidates[0].1.source.clone(), Vec::new()));
        for candidate in candidates {
            if seen.insert(format!("{:?}", candidate.1.edit)) {
                entry.1.push(candidate);
            }
        }
    }
    (by_file, conflicts)
}

/// Prints each rewritten value (`file:line:column path: old → new`), then the text diff.
fn describe(out: &mut String, file: &std::path::Path, source: &str, fixes: &[&Fix], new: &str) {
    let _ = writeln!(out, "{}:", file.display());
    for fix in fixes {
        let (line, column) = scenario_format::locate(source, &fix.path).unwrap_or((0, 0));
        let old = scenario_format::span(source, &fix.path).map(|r| source[r].to_string()).unwrap_or_default();
        match &fix.edit {
            Edit::Replace(text) => {
                let _ = writeln!(out, "  {line}:{column} {}: {old} → {text}", fix.path);
            }
            Edit::Insert(key, value) => {
                let _ = writeln!(out, "  {line}:{column} {}: + {key}: {value}", fix.path);
            }
        }
    }
    let diff = TextDiff::from_lines(source, new);
    let text = diff
        .unified_diff()
        .context_radius(1)
        .header(&file.display().to_string(), &format!("{} (blessed)", file.display()))
        .to_string();
    for line in text.lines() {
        let _ = writeln!(out, "  {line}");
    }
}

/// Runs the blessed scenario files again; returns those still failing.
fn verify(files: &BTreeSet<PathBuf>, run: &RunOptions) -> Vec<String> {
    let artifacts = run_artifacts(run);
    let files: Vec<PathBuf> = files.iter().cloned().collect();
    let quiet = RunOptions { progress: None, ..crate::overlap::budget(run, files.len()) };
    let runs = for_each_file(&files, &quiet, |file| Some(run_file(file, &artifacts, &quiet)), |_| false);
    let mut failing = Vec::new();
    for report in runs.unwrap_or_default().iter().flatten() {
        if !report.passed() && !matches!(report.outcome, ScenarioOutcome::Skipped(_)) {
            failing.push(format!("{} [{}]", report.file.display(), report.executor));
        }
    }
    failing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(path: &str, edit: Edit) -> (PathBuf, Fix) {
        let fix =
            Fix { file: Arc::new("s.scen.json".into()), source: Arc::new("{}".to_owned()), path: path.into(), edit };
        (PathBuf::from("s.scen.json"), fix)
    }

    #[test]
    fn runs_that_disagree_bless_nothing_there() {
        let (by_file, conflicts) = group(vec![
            fix("steps[1].expect.out[0]", Edit::Replace("\"5\"".into())),
            fix("steps[1].expect.out[0]", Edit::Replace("\"5\"".into())),
            fix("steps[1].expect.status", Edit::Replace("\"success\"".into())),
            fix("steps[1].expect.status", Edit::Replace("\"revert\"".into())),
            fix("steps[2].accounts", Edit::Insert("\"1\"".into(), "\"7\"".into())),
            fix("steps[2].accounts", Edit::Insert("\"2\"".into(), "\"8\"".into())),
            fix("steps[2].accounts", Edit::Insert("\"2\"".into(), "\"9\"".into())),
        ]);
        let kept: Vec<String> =
            by_file.values().flat_map(|(_, f)| f.iter().map(|(_, f)| format!("{} {:?}", f.path, f.edit))).collect();
        assert_eq!(
            kept,
            ["steps[1].expect.out[0] Replace(\"\\\"5\\\"\")", "steps[2].accounts Insert(\"\\\"1\\\"\", \"\\\"7\\\"\")",]
        );
        let fields: Vec<&str> = conflicts.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["steps[1].expect.status", "steps[2].accounts[\"2\"]"]);
    }
}
