//! Test files: finding them, reading and parsing them, and turning each into case reports.

use std::path::{Path, PathBuf};

use crate::StatetestOptions;
use crate::check;
use crate::fork::{self, ForkPlan};
use crate::model::{PostCase, TestFile};
use crate::report::{CaseOutcome, CaseReport};
use crate::trace;

/// Input that cannot be used at all.
#[derive(Debug, thiserror::Error)]
pub enum StatetestError {
    /// A path that does not exist or cannot be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file that is not valid state-test JSON.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The given paths hold no `.json` file.
    #[error("no state-test JSON files in the given paths")]
    NoFiles,
    /// The worker pool could not start.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// A test file and the name it is reported under.
#[derive(Debug)]
pub(crate) struct Found {
    pub(crate) path: PathBuf,
    /// The path as given for a file argument; `FOLDER/relative/path.json` for a folder argument.
    pub(crate) display: String,
}

/// All `.json` files in `paths` (folders searched recursively), sorted and without duplicates.
pub(crate) fn discover(paths: &[PathBuf]) -> Result<Vec<Found>, StatetestError> {
    let mut found = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| StatetestError::Read { path: path.clone(), source })?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files)?;
            let base = path.file_name().map(PathBuf::from).unwrap_or_default();
            found.extend(files.into_iter().map(|file| {
                let display = base.join(file.strip_prefix(path).unwrap_or(&file)).to_string_lossy().into_owned();
                Found { path: file, display }
            }));
        } else {
            found.push(Found { display: path.to_string_lossy().into_owned(), path: path.clone() });
        }
    }
    found.sort_by(|a, b| (&a.display, &a.path).cmp(&(&b.display, &b.path)));
    found.dedup_by(|a, b| a.path == b.path);
    if found.is_empty() {
        return Err(StatetestError::NoFiles);
    }
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), StatetestError> {
    let read_err = |source| StatetestError::Read { path: dir.to_path_buf(), source };
    for entry in std::fs::read_dir(dir).map_err(read_err)? {
        let path = entry.map_err(read_err)?.path();
        if path.is_dir() {
            walk(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            found.push(path);
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<Result<TestFile, StatetestError>, StatetestError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| StatetestError::Read { path: path.to_path_buf(), source })?;
    Ok(serde_json::from_str(&text).map_err(|e| {
        let (line, column) = (e.line(), e.column());
        let message = e.to_string();
        let message = message.strip_suffix(&format!(" at line {line} column {column}")).unwrap_or(&message);
        StatetestError::Parse { path: path.to_path_buf(), line, column, message: message.to_string() }
    }))
}

fn wanted(filter: Option<&str>, file: &str, test: &str) -> bool {
    filter.is_none_or(|f| file.contains(f) || test.contains(f))
}

/// Runs every wanted case of one file.
pub(crate) fn run_file(found: &Found, opts: &StatetestOptions) -> Result<Vec<CaseReport>, StatetestError> {
    let (path, display) = (found.path.as_path(), found.display.clone());
    let file_skip = fork::skip_file(path, opts.include_slow);
    let parsed = match (read(path)?, file_skip) {
        (Ok(parsed), _) => parsed,
        // Some skipped files are malformed on purpose: report the file as one skipped entry.
        (Err(_), Some(reason)) if wanted(opts.filter.as_deref(), &display, "") => {
            let outcome = CaseOutcome::Skipped { reason: reason.to_string() };
            return Ok(vec![CaseReport {
                file: display,
                test: String::new(),
                fork: String::new(),
                post_index: 0,
                indexes: None,
                outcome,
            }]);
        }
        (Err(_), Some(_)) => return Ok(Vec::new()),
        (Err(e), None) => return Err(e),
    };
    let mut cases = Vec::new();
    for (name, unit) in &parsed {
        if !wanted(opts.filter.as_deref(), &display, name) {
            continue;
        }
        for (fork_name, posts) in &unit.post {
            let plan = match file_skip {
                Some(reason) => ForkPlan::Skip(reason),
                None => fork::plan(fork_name),
            };
            for (post_index, post) in posts.iter().enumerate() {
                cases.push(CaseReport {
                    file: display.clone(),
                    test: name.clone(),
                    fork: fork_name.clone(),
                    post_index,
                    indexes: Some(post.indexes),
                    outcome: check::run_case(unit, plan, post),
                });
            }
        }
    }
    Ok(cases)
}

/// Re-runs `case` (a failure found in one of `files`) with a trace and an account diff.
pub(crate) fn diagnose(files: &[Found], case: &CaseReport, trace_limit: usize) -> String {
    let header = format!("{}\n", case.label());
    let Some(found) = files.iter().find(|f| f.display == case.file) else {
        return header;
    };
    let Ok(Ok(parsed)) = read(&found.path) else {
        return header + "cannot re-read the file\n";
    };
    let post: Option<&PostCase> =
        parsed.get(&case.test).and_then(|unit| unit.post.get(&case.fork)).and_then(|posts| posts.get(case.post_index));
    match (parsed.get(&case.test), post) {
        (Some(unit), Some(post)) => {
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                trace::diagnose(unit, &case.test, &case.fork, post, trace_limit)
            }));
            header + &run.unwrap_or_else(|_| "the re-run panicked\n".into())
        }
        _ => header + "case not found on re-read\n",
    }
}
