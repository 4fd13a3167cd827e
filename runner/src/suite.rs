//! Running many scenario files: load, prepare and execute each on every executor configuration
//! it has, in parallel, with a deterministic report order; runs of one scenario on `wasmer` and
//! `debugger` are compared step by step.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::artifacts::Artifacts;
use crate::contracts::ContractBuilds;
use crate::execute::run_scenario_on;
use crate::executors::{DEBUGGER, ExecutorChoice, NativeForm, REVM, WASMER, load_natives, plan};

use crate::prepare::{PreparedScenario, prepare};
use crate::report::{RunReport, ScenarioOutcome, ScenarioReport};

/// Stack for threads that run transactions: calls from foreign code back into the EVM recurse.
pub const TX_STACK_SIZE: usize = 256 << 20;

/// How to run a suite.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Only scenario files whose path contains this text (decided before a file is read, so a
    /// broken file that is not selected is never an error).
    pub filter: Option<String>,
    /// Worker threads (0 = one per core).
    pub jobs: usize,
    /// Which Stylus executors run programs that have a native form.
    pub executor: ExecutorChoice,
    /// Contract crates by name, ahead of any `diorama.toml` (the library API's registrations).
    pub contracts: Vec<(String, PathBuf)>,
    /// Run every step of a scenario even after one fails (default: stop at the first failure).
    pub keep_going: bool,
    /// Run each scenario file in a worker process (`diorama worker`, the running binary, which
    /// must therefore be `diorama`): a worker that dies makes its scenario `crashed` and the
    /// others run (see [`crate::isolate`]).
    pub isolate: bool,
    /// Stop a scenario configuration still running after this long and report it `timeout`.
    /// Implies [`RunOptions::isolate`]: only a process can always be stopped.
    pub timeout: Option<std::time::Duration>,
    /// Passed to worker processes as `-v` (backtraces of native panics).
    pub verbose: bool,
}

/// A report for a file that could not be used.
fn error_report(path: &Path, executor: &str, message: String) -> ScenarioReport {
    ScenarioReport {
        file: path.to_path_buf(),
        name: path.display().to_string(),
        executor: executor.to_string(),
        outcome: ScenarioOutcome::Error(message),
        steps: Vec::new(),
        gas_used: 0,
        not_run: Vec::new(),
        divergence: None,
    }
}

/// Loads, prepares and runs one scenario file on each of its configurations; input errors
/// become an `Error` outcome.
pub fn run_file(path: &Path, artifacts: &Artifacts, options: &RunOptions) -> Vec<ScenarioReport> {
    let scenario = match scenario_format::load_scenario(path) {
        Ok(s) => s,
        Err(e) => return vec![error_report(path, REVM, e.to_string())],
    };
    match prepare(&scenario, artifacts) {
        Ok(prepared) => run_prepared(&prepared, artifacts, options),
        Err(e) => vec![error_report(path, REVM, e.to_string())],
    }
}

/// Why a suite could not run at all (a scenario that cannot be used is a report, not this).
#[derive(Debug, thiserror::Error)]
pub enum SuiteError {
    /// A path that cannot be used.
    #[error(transparent)]
    Discover(#[from] crate::discover::DiscoverError),
    /// The thread pool could not start.
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    /// `--isolate` needs the running binary as its workers.
    #[error("cannot find the diorama binary for worker processes: {0}")]
    WorkerBinary(std::io::Error),
}

/// The scenario files under `paths` that `filter` selects (by path, before reading them).
pub fn selected_files(paths: &[PathBuf], filter: Option<&str>) -> Result<Vec<PathBuf>, SuiteError> {
    let mut files = crate::discover::discover(paths)?;
    if let Some(filter) = filter {
        files.retain(|file| file.display().to_string().contains(filter));
    }
    Ok(files)
}

/// Runs a prepared scenario on each of its configurations and compares them.
pub fn run_prepared(prepared: &PreparedScenario, artifacts: &Artifacts, options: &RunOptions) -> Vec<ScenarioReport> {
    let labels = match plan(prepared, options.executor) {
        Ok(labels) => labels,
        Err(reason) => {
            let label = if prepared.uses_stylus { WASMER } else { REVM };
            let mut report = ScenarioReport::new(prepared, label);
            report.outcome = ScenarioOutcome::Skipped(reason.0);
            return vec![report];
        }
    };
    let mut reports = Vec::with_capacity(labels.len());
    for label in labels {
        crate::isolate::config_started(label, &prepared.name);
        let natives = if label == DEBUGGER { native_forms(prepared, artifacts) } else { Ok(Vec::new()) };
        let report = match natives {
            Ok(natives) => run_scenario_on(prepared, label, &natives, options.keep_going),
            Err(message) => {
                let mut report = ScenarioReport::new(prepared, label);
                report.outcome = ScenarioOutcome::Error(message);
                report
            }
        };
        crate::isolate::config_finished(&report);
        reports.push(report);
    }
    // Runs that stopped on an input error report that error, not a divergence.
    let completed = |r: &ScenarioReport| matches!(r.outcome, ScenarioOutcome::Passed | ScenarioOutcome::Failed);
    if let [wasmer, debugger] = &mut reports[..]
        && completed(wasmer)
        && completed(debugger)
        && let Some(divergence) = crate::parity::compare(wasmer, debugger)
    {
        for report in [wasmer, debugger] {
            if report.outcome == ScenarioOutcome::Passed {
                report.outcome = ScenarioOutcome::Failed;
            }
            report.divergence = Some(divergence.clone());
        }
    }
    reports
}

/// Builds (or finds) and loads the native forms of a scenario's contracts.
fn native_forms(prepared: &PreparedScenario, artifacts: &Artifacts) -> Result<Vec<NativeForm>, String> {
    let mut natives = Vec::with_capacity(prepared.contracts.len());
    for contract in &prepared.contracts {
        let library = artifacts
            .contracts()
            .native(&contract.krate)
            .map_err(|e| format!("{}: {}: {e}", contract.location, contract.json_path))?;
        natives.push(NativeForm { codehash: contract.codehash, library });
    }
    load_natives(&natives).map_err(|e| format!("{}: loading the native form: {e}", prepared.file.display()))?;
    Ok(natives)
}

/// The artifacts of a run: EVM artifacts, and contract builds with `options`' registrations.
pub fn run_artifacts(options: &RunOptions) -> Artifacts {
    let contracts = ContractBuilds::default();
    for (name, dir) in &options.contracts {
        contracts.register(name, dir);
    }
    Artifacts::with_contracts(Arc::new(contracts))
}

/// Runs every scenario file under `paths`.
pub fn run_paths(paths: &[PathBuf], options: &RunOptions) -> Result<RunReport, SuiteError> {
    let files = selected_files(paths, options.filter.as_deref())?;
    if options.isolate || options.timeout.is_some() {
        let mut report = RunReport { scenarios: crate::isolate::run_files(&files, options)? };
        report.sort();
        return Ok(report);
    }
    let artifacts = run_artifacts(options);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(options.jobs).stack_size(TX_STACK_SIZE).build()?;
    let scenarios: Vec<ScenarioReport> =
        pool.install(|| files.par_iter().flat_map(|file| run_file(file, &artifacts, options)).collect());
    let mut report = RunReport { scenarios };
    report.sort();
    Ok(report)
}

/// Validates files without running them: the strict parse and the preparation that `run` does
/// (which builds `contract:` WASM), nothing else, so that `check` and `run` judge every input
/// alike. (The loader rejects whatever the bundled JSON Schema rejects; tests hold it to that.)
/// Returns one message per unusable file.
pub fn check_paths(paths: &[PathBuf]) -> Result<(usize, Vec<String>), SuiteError> {
    let files = crate::discover::discover(paths)?;
    let artifacts = Artifacts::default();
    let mut errors = Vec::new();
    for file in &files {
        let loaded = scenario_format::load_scenario(file).map_err(|e| e.to_string());
        let result = loaded.and_then(|s| prepare(&s, &artifacts).map(|_| ()).map_err(|e| e.to_string()));
        if let Err(message) = result {
            errors.push(message);
        }
    }
    Ok((files.len(), errors))
}
