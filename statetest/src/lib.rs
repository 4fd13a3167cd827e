//! Runs Ethereum GeneralStateTests through the diorama world mock: each (fork, index) case gets a
//! fresh [`world_mock::World`] with Ethereum settings and the test's pre-state, its transaction
//! runs through the world's own transaction path (the one scenarios use), and the post-state
//! Merkle-Patricia root and the logs hash are compared with the test's.
//!
//! Pass semantics follow revme 43: the same forks and files are skipped, any rejection satisfies
//! `expectException`. Entry point: [`run`], giving a [`StatetestReport`] that renders as human
//! text, JSON or JUnit.

mod case;
mod check;
mod files;
mod fork;
mod hex;
pub mod model;
mod render;
mod report;
mod roots;
mod trace;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rayon::prelude::*;

pub use files::StatetestError;
pub use report::{CaseOutcome, CaseReport, Mismatch, SCHEMA_VERSION, StatetestReport};
pub use roots::{logs_hash, state_root};

/// Stack size of the worker threads (some tests recurse deeply).
const STACK_SIZE: usize = 64 << 20;

/// How to run.
#[derive(Clone, Debug)]
pub struct StatetestOptions {
    /// Worker threads; `None` uses one per core.
    pub jobs: Option<usize>,
    /// Run only cases whose file path or test name contains this.
    pub filter: Option<String>,
    /// Run every file even after a failure (otherwise no new file starts after the first failure).
    pub keep_going: bool,
    /// Also run the few very slow tests revme skips (`loopMul`, `Call50000_sha256`, …).
    pub include_slow: bool,
    /// Re-run the first failure with a step trace and an account diff ([`StatetestReport::diagnosis`]).
    pub diagnose: bool,
    /// Most instructions shown in the diagnosis's step trace.
    pub trace_limit: usize,
}

impl Default for StatetestOptions {
    fn default() -> Self {
        Self { jobs: None, filter: None, keep_going: false, include_slow: false, diagnose: true, trace_limit: 400 }
    }
}

/// Runs every state-test JSON file under `paths` (files, or folders searched recursively).
///
/// Errs only on unusable input: a path that cannot be read, or a file that is not a state test
/// (with its line and column). Failing cases are reported, not returned as errors.
///
/// ```no_run
/// use statetest::{StatetestOptions, run};
///
/// let opts = StatetestOptions { keep_going: true, ..StatetestOptions::default() };
/// let report = run(&["GeneralStateTests".into()], &opts)?;
/// print!("{}", report.render_human(false));
/// std::process::exit(if report.failed() == 0 { 0 } else { 1 });
/// # Ok::<(), statetest::StatetestError>(())
/// ```
pub fn run(paths: &[PathBuf], opts: &StatetestOptions) -> Result<StatetestReport, StatetestError> {
    let start = Instant::now();
    let found = files::discover(paths)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.unwrap_or(0))
        .stack_size(STACK_SIZE)
        .thread_name(|i| format!("statetest-{i}"))
        .build()
        .map_err(|e| StatetestError::Threads(e.to_string()))?;
    let stop = AtomicBool::new(false);
    let results: Vec<_> = pool.install(|| {
        found
            .par_iter()
            .map(|file| {
                if stop.load(Ordering::Relaxed) {
                    return Ok(None);
                }
                let cases = files::run_file(file, opts)?;
                if !opts.keep_going && cases.iter().any(|c| matches!(c.outcome, CaseOutcome::Failed { .. })) {
                    stop.store(true, Ordering::Relaxed);
                }
                Ok(Some(cases))
            })
            .collect()
    });
    let mut cases = Vec::new();
    let mut stopped_early = false;
    for result in results {
        match result? {
            Some(file_cases) => cases.extend(file_cases),
            None => stopped_early = true,
        }
    }
    cases.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut report = StatetestReport {
        schema_version: SCHEMA_VERSION,
        files: found.len(),
        cases,
        stopped_early,
        wall_time: start.elapsed(),
        diagnosis: None,
    };
    if opts.diagnose {
        let first = report.failures().next();
        let diagnosis = first.map(|first| pool.install(|| files::diagnose(&found, first, opts.trace_limit)));
        report.diagnosis = diagnosis;
    }
    report.wall_time = start.elapsed();
    Ok(report)
}
