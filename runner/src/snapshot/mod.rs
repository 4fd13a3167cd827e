//! `diorama snapshot`: gas and ink per scenario × step × executor in one committed text file per
//! suite (by default `.diorama-snapshot` in the run root, the folder holding every PATH), like
//! Foundry's `.gas-snapshot` but per step and executor, with ink, and headed by a fingerprint of
//! what decides the figures ([`fingerprint`]).
//!
//! Scenario files are named by their path relative to the snapshot file's folder when the suite
//! is under that folder, else relative to the run root.
//!
//! A run replaces the lines of the scenario files it ran (of the executors it ran, with
//! `--executor wasmer|debugger`), keeps the lines of files it did not run (`--filter`,
//! `--partition`), and drops the lines of files that no longer exist. The file is rewritten only
//! when its text changes. `--check` and `--diff` compare instead of writing.

mod diff;
mod entries;
mod file;
mod fingerprint;

pub use diff::{Change, Comparison, compare};
pub use entries::step_names;
pub use file::{Entry, Figure, Key, Snapshot};
pub use fingerprint::Fingerprint;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::executors::{ExecutorChoice, rank};
use crate::partition::{absolute, relative_to, run_root};
use crate::report::{RunReport, ScenarioOutcome};
use crate::suite::{RunOptions, SuiteError, run_paths};

/// The default snapshot file name, in the run root.
pub const DEFAULT_FILE: &str = ".diorama-snapshot";

/// What `diorama snapshot` does with the figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write the file (when its text changes) and show what changed.
    Write,
    /// Exit 1 when anything changed beyond the tolerance, listing it; write nothing.
    Check,
    /// Show the changes; write nothing.
    Diff,
}

/// How changes are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// One line per change.
    #[default]
    Human,
    /// A Markdown table for a pull request.
    Markdown,
}

/// Options of `diorama snapshot`.
#[derive(Clone, Debug)]
pub struct SnapshotOptions {
    /// The snapshot file (default: [`DEFAULT_FILE`] in the run root).
    pub file: Option<PathBuf>,
    /// Write, check or diff.
    pub mode: Mode,
    /// Accepted drift per figure, percent.
    pub tolerance: f64,
    /// Accept a snapshot taken under another fingerprint (rewrite it, or compare anyway).
    pub force: bool,
    /// How changes are printed.
    pub format: DiffFormat,
}

/// What a snapshot run found; the CLI prints `output` and exits with `exit_code`.
#[derive(Clone, Debug)]
pub struct SnapshotOutcome {
    /// The comparison with the file's previous content.
    pub comparison: Comparison,
    /// Text for stdout.
    pub output: String,
    /// 0: no change (or written); 1: changed (`--check`) or a scenario failed.
    pub exit_code: u8,
}

/// Why a snapshot could not be taken or compared (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The snapshot file exists but cannot be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        /// The file.
        file: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The snapshot file is not a snapshot.
    #[error("{file}:{source}")]
    Parse {
        /// The file.
        file: String,
        /// The underlying error.
        source: file::ParseError,
    },
    /// Taken under another fingerprint, and no `--force`.
    #[error(
        "{file}: the snapshot was taken under other conditions, its figures are not comparable:\n  {}\n\
         (`diorama snapshot --force` rewrites it)",
        differences.join("\n  ")
    )]
    Fingerprint {
        /// The file.
        file: String,
        /// The parts of the fingerprint that differ.
        differences: Vec<String>,
    },
    /// The suite could not run at all.
    #[error(transparent)]
    Suite(#[from] SuiteError),
    /// Some scenarios are unusable input.
    #[error("cannot take a snapshot, some scenarios could not run:\n{}", .0.join("\n"))]
    Unusable(Vec<String>),
    /// The new snapshot could not be written.
    #[error("{file}: cannot write: {source}")]
    Write {
        /// The file.
        file: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Runs the suites under `paths` and writes, checks or diffs their snapshot. `Err` is an
/// unusable input (exit 2): a bad snapshot file, a fingerprint mismatch without `--force`, a
/// scenario that could not run.
pub fn snapshot(
    paths: &[PathBuf],
    run: &RunOptions,
    options: &SnapshotOptions,
) -> Result<SnapshotOutcome, SnapshotError> {
    let root = run_root(paths);
    let target = options.file.clone().unwrap_or_else(|| root.join(DEFAULT_FILE));
    // Scenario paths are relative to the snapshot's folder when the suite is under it (so a run
    // of a sub-folder updates the same lines), else to the run root.
    let snapshot_folder = absolute(&target).parent().map(Path::to_path_buf).unwrap_or_default();
    let folder = if root.starts_with(&snapshot_folder) { snapshot_folder } else { root };
    let shown = target.display().to_string();
    let old_text = match std::fs::read_to_string(&target) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => return Err(SnapshotError::Read { file: shown, source }),
    };
    let old = old_text
        .as_deref()
        .map(|t| Snapshot::parse(t).map_err(|source| SnapshotError::Parse { file: shown.clone(), source }))
        .transpose()?;
    let now = Fingerprint::current();
    let mismatch = old.as_ref().map(|o| o.fingerprint.differences(&now)).unwrap_or_default();
    if !mismatch.is_empty() && !options.force {
        return Err(SnapshotError::Fingerprint { file: shown, differences: mismatch });
    }
    let report = run_paths(paths, run)?;
    let errors: Vec<String> = report
        .scenarios
        .iter()
        .filter_map(|s| match &s.outcome {
            ScenarioOutcome::Error(message) => Some(format!("{} [{}]: {message}", s.file.display(), s.executor)),
            _ => None,
        })
        .collect();
    if !errors.is_empty() {
        return Err(SnapshotError::Unusable(errors));
    }
    let old_entries = old.map(|o| o.entries).unwrap_or_default();
    let entries = merge(&report, &folder, old_entries.clone(), run.executor);
    let new = Snapshot { fingerprint: now, entries };
    let comparison = compare(&old_entries, &new.entries, options.tolerance);
    let mut output = String::new();
    if !mismatch.is_empty() {
        output
            .push_str(&format!("note: --force: {shown} was taken under other conditions ({})\n", mismatch.join("; ")));
    }
    let title = format!("snapshot {shown}");
    let mut exit_code = 0;
    match options.mode {
        Mode::Write => {
            let text = new.render();
            if old_text.as_deref() == Some(text.as_str()) {
                output.push_str(&format!("{shown}: unchanged ({} lines)\n", new.entries.len()));
            } else {
                crate::atomic::write(&target, text.as_bytes())
                    .map_err(|source| SnapshotError::Write { file: shown.clone(), source })?;
                output.push_str(&render(&comparison, &title, options.format));
                output.push_str(&format!("wrote {shown} ({} lines)\n", new.entries.len()));
            }
        }
        Mode::Check if old_text.is_none() => {
            output.push_str(&format!("{shown}: no snapshot yet (write one with `diorama snapshot`)\n"));
            exit_code = 1;
        }
        Mode::Check | Mode::Diff => {
            output.push_str(&render(&comparison, &title, options.format));
            if options.mode == Mode::Check && comparison.changed() {
                exit_code = 1;
            }
        }
    }
    let failed: Vec<String> = report
        .scenarios
        .iter()
        .filter(|s| s.outcome == ScenarioOutcome::Failed)
        .map(|s| format!("{} [{}]", s.file.display(), s.executor))
        .collect();
    if !failed.is_empty() {
        output.push_str(&format!(
            "{} scenario runs failed their expectations (figures recorded as they ran; `diorama run` shows why): {}\n",
            failed.len(),
            failed.join(", ")
        ));
        exit_code = 1;
    }
    if let Some(partition) = &report.partition {
        output.push_str(&format!("{partition}\n"));
    }
    Ok(SnapshotOutcome { comparison, output, exit_code })
}

fn render(comparison: &Comparison, title: &str, format: DiffFormat) -> String {
    match format {
        DiffFormat::Human => comparison.render_human(title),
        DiffFormat::Markdown => comparison.render_markdown(title),
    }
}

/// The new lines: the run's, plus the old lines it did not replace, sorted by file, then step
/// order, then executor.
fn merge(report: &RunReport, folder: &Path, old: Vec<Entry>, choice: ExecutorChoice) -> Vec<Entry> {
    let mut by_file: BTreeMap<String, Vec<(usize, Entry)>> = BTreeMap::new();
    let mut ran: BTreeSet<String> = BTreeSet::new();
    let mut replaced: BTreeSet<(String, String)> = BTreeSet::new();
    for run in &report.scenarios {
        let file = relative_to(&run.file, folder);
        ran.insert(file.clone());
        replaced.insert((file.clone(), run.executor.clone()));
        by_file.entry(file).or_default().extend(entries::entries_of(run, folder));
    }
    let mut kept: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for entry in old {
        let file = &entry.key.file;
        let covered = ran.contains(file)
            && (choice == ExecutorChoice::All || replaced.contains(&(file.clone(), entry.key.executor.clone())));
        if covered || !folder.join(file).is_file() {
            continue;
        }
        kept.entry(file.clone()).or_default().push(entry);
    }
    let files: BTreeSet<String> = by_file.keys().chain(kept.keys()).cloned().collect();
    let mut out = Vec::new();
    for file in files {
        let mut fresh = by_file.remove(&file).unwrap_or_default();
        let position: HashMap<String, usize> = fresh.iter().map(|(i, e)| (e.key.step.clone(), *i)).collect();
        let old_lines = kept.remove(&file).unwrap_or_default();
        fresh.extend(old_lines.into_iter().map(|e| (position.get(&e.key.step).copied().unwrap_or(usize::MAX), e)));
        // Stable sort: old lines of unknown steps keep their order, after the known ones.
        fresh.sort_by(|(a, ea), (b, eb)| (a, rank(&ea.key.executor)).cmp(&(b, rank(&eb.key.executor))));
        out.extend(fresh.into_iter().map(|(_, e)| e));
    }
    out
}
