//! The library API for a contract crate's own `cargo test` (the MultiversX pattern): register
//! contract crates by name, run scenario files on every executor, assert the result.
//!
//! ```no_run
//! #[test]
//! fn scenarios() {
//!     diorama::Suite::new().contract("counter", env!("CARGO_MANIFEST_DIR")).run("scenarios/").assert_passed();
//! }
//! ```

use std::path::PathBuf;

use crate::executors::ExecutorChoice;
use crate::report::{RunReport, render_human};
use crate::suite::{RunOptions, run_paths};

/// A suite run from Rust code.
#[derive(Clone, Debug, Default)]
pub struct Suite {
    options: RunOptions,
}

impl Suite {
    /// A suite on every executor (`wasmer` and, for `contract:` programs, `debugger`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Names the contract crate at `dir` `name` (`contract:NAME` in scenarios), ahead of any
    /// `diorama.toml`.
    pub fn contract(mut self, name: &str, dir: impl Into<PathBuf>) -> Self {
        self.options.contracts.push((name.to_string(), dir.into()));
        self
    }

    /// Restricts the Stylus executors (default: all).
    pub fn executor(mut self, choice: ExecutorChoice) -> Self {
        self.options.executor = choice;
        self
    }

    /// Runs every step of a scenario even after one fails (default: stop at the first failure).
    pub fn keep_going(mut self, keep_going: bool) -> Self {
        self.options.keep_going = keep_going;
        self
    }

    /// Only scenarios whose path or name contains `filter`.
    pub fn filter(mut self, filter: &str) -> Self {
        self.options.filter = Some(filter.to_string());
        self
    }

    /// Runs the scenario files at `path` (a file, or a folder searched for `*.scen.json`),
    /// relative to the current folder (a crate's folder under `cargo test`).
    pub fn run(&self, path: impl Into<PathBuf>) -> SuiteResult {
        let path = path.into();
        let report = run_paths(std::slice::from_ref(&path), &self.options).map_err(|e| e.to_string());
        SuiteResult { path, report }
    }
}

/// What [`Suite::run`] found.
#[derive(Clone, Debug)]
pub struct SuiteResult {
    path: PathBuf,
    report: Result<RunReport, String>,
}

impl SuiteResult {
    /// The report, or why the suite could not run (e.g. a missing folder).
    pub fn report(&self) -> Result<&RunReport, &str> {
        self.report.as_ref().map_err(String::as_str)
    }

    /// Panics with the human report unless every scenario passed (and at least one ran).
    #[track_caller]
    pub fn assert_passed(&self) {
        let report = match &self.report {
            Ok(report) => report,
            Err(message) => panic!("diorama: cannot run {}: {message}", self.path.display()),
        };
        let summary = report.summary();
        if report.exit_code() != 0 || summary.passed == 0 {
            panic!("diorama: {} did not pass:\n{}", self.path.display(), render_human(report, false));
        }
    }
}
