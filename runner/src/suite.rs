//! Running many scenario files: load, prepare and execute each on every executor configuration
//! it has, in parallel, with a deterministic report order; runs of one scenario on `wasmer` and
//! `debugger` are compared step by step.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::artifacts::Artifacts;
use crate::contracts::ContractBuilds;
use crate::execute::ScenarioRun;
use crate::executors::{DEBUGGER, ExecutorChoice, NativeForm, REVM, WASMER, load_natives, plan};

use crate::partition::{Partition, PartitionInfo, relative_to, run_root};
use crate::prepare::{PreparedScenario, prepare};
use crate::profile::NamedTwins;
use crate::progress::{ProgressMode, ProgressSink, progress};
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
    /// Call trees (`--trace`): record them, for failing steps or all.
    pub trace: world_mock::TraceLevel,
    /// Keep every step's call tree, not only failing steps' (`--trace all`).
    pub trace_all_steps: bool,
    /// Profile where the ink goes (`--ink-profile`; builds `contract:` modules' named twins).
    pub ink_profile: bool,
    /// Only this part of the suite's files (`--partition k/n`).
    pub partition: Option<Partition>,
    /// Progress display on stderr (`None`: none).
    pub progress: Option<ProgressMode>,
    /// Run each scenario file in a worker process (`diorama worker`, the running binary, which
    /// must therefore be `diorama`): a worker that dies makes its scenario `crashed` and the
    /// others run (see [`crate::isolate`]).
    pub isolate: bool,
    /// Stop a scenario configuration still running after this long and report it `timeout`.
    /// Implies [`RunOptions::isolate`]: only a process can always be stopped.
    pub timeout: Option<std::time::Duration>,
    /// Passed to worker processes as `-v` (backtraces of native panics).
    pub verbose: bool,
    /// Stream scenario files larger than this many bytes (see [`crate::stream`]); `None`:
    /// [`crate::stream::STREAM_ABOVE_BYTES`].
    pub stream_above_bytes: Option<u64>,
    /// Whether large files load on a second thread while they run (see [`crate::overlap`]).
    pub overlap: crate::overlap::Overlap,
}

/// A report for a file that could not be used.
pub(crate) fn error_report(path: &Path, executor: &str, message: String) -> ScenarioReport {
    ScenarioReport {
        file: path.to_path_buf(),
        name: path.display().to_string(),
        executor: executor.to_string(),
        outcome: ScenarioOutcome::Error(message),
        steps: Vec::new(),
        gas_used: 0,
        not_run: Vec::new(),
        divergence: None,
        profile: None,
        wall_time: std::time::Duration::ZERO,
    }
}

/// Loads, prepares and runs one scenario file on each of its configurations; input errors
/// become an `Error` outcome.
pub fn run_file(path: &Path, artifacts: &Artifacts, options: &RunOptions) -> Vec<ScenarioReport> {
    // Read once: overlapping and streaming both go by the file's size. An overlapped run holds
    // no more than a streamed one and reads the file once; a large file it cannot keep is
    // streamed then.
    let size = std::fs::metadata(path).ok().map(|m| m.len());
    if let Some(size) = size.filter(|&size| crate::overlap::overlaps(size, options)) {
        return crate::overlap::run(path, size, artifacts, options);
    }
    if crate::stream::streams(size, options) {
        return run_file_streamed(path, artifacts, options);
    }
    run_file_whole(path, artifacts, options)
}

/// [`run_file`] for a file streamed: see [`crate::stream`].
pub(crate) fn run_file_streamed(path: &Path, artifacts: &Artifacts, options: &RunOptions) -> Vec<ScenarioReport> {
    match crate::stream::prepare(path, artifacts) {
        Ok(streamed) => run_configs(&streamed.header, artifacts, options, &|run| {
            crate::stream::feed(path, artifacts, streamed.steps, run);
        }),
        Err(report) => vec![*report],
    }
}

/// [`run_file`] for a file loaded whole before it runs.
pub(crate) fn run_file_whole(path: &Path, artifacts: &Artifacts, options: &RunOptions) -> Vec<ScenarioReport> {
    match prepare_file(path, artifacts) {
        Ok(prepared) => run_prepared(&prepared, artifacts, options),
        Err(report) => vec![*report],
    }
}

/// Loads and prepares one scenario file; an unusable file gives its `Error` report.
pub fn prepare_file(path: &Path, artifacts: &Artifacts) -> Result<PreparedScenario, Box<ScenarioReport>> {
    let unusable = |message: String| Box::new(error_report(path, REVM, message));
    let scenario = scenario_format::load_scenario(path).map_err(|e| unusable(e.to_string()))?;
    prepare(scenario, artifacts).map_err(|e| unusable(e.to_string()))
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

/// The files of a run: discovered under `paths`, those `filter` selects (by path, before
/// reading them), then only `partition`'s part (by the path relative to the run root, see [`crate::partition`]).
pub fn select_files(
    paths: &[PathBuf],
    filter: Option<&str>,
    partition: Option<Partition>,
) -> Result<(Vec<PathBuf>, Option<PartitionInfo>), SuiteError> {
    let mut files = crate::discover::discover(paths)?;
    if let Some(filter) = filter {
        files.retain(|file| file.display().to_string().contains(filter));
    }
    let Some(part) = partition else {
        return Ok((files, None));
    };
    let root = run_root(paths);
    let total_files = files.len();
    let files: Vec<PathBuf> = files.into_iter().filter(|f| part.contains(&relative_to(f, &root))).collect();
    let info = PartitionInfo { index: part.index, count: part.count, files: files.len(), total_files };
    Ok((files, Some(info)))
}

/// Runs `work` on each file in parallel on `options.jobs` threads with a large stack, showing
/// progress; results keep the files' order.
pub fn for_each_file<T: Send>(
    files: &[PathBuf],
    options: &RunOptions,
    work: impl Fn(&Path) -> Option<T> + Sync,
    failed: impl Fn(&T) -> bool + Sync,
) -> Result<Vec<T>, SuiteError> {
    let pool = crate::pools::lease(options.jobs)?;
    let sink: Option<Box<dyn ProgressSink>> = options.progress.and_then(|mode| progress(mode, files.len()));
    let results = pool.install(|| {
        files
            .par_iter()
            .filter_map(|file| {
                if let Some(sink) = &sink {
                    sink.file_started(file);
                }
                let result = work(file);
                if let Some(sink) = &sink {
                    sink.file_finished(file, result.as_ref().is_some_and(&failed));
                }
                result
            })
            .collect()
    });
    if let Some(sink) = &sink {
        sink.finish();
    }
    Ok(results)
}

/// Runs a prepared scenario on each of its configurations and compares them.
pub fn run_prepared(prepared: &PreparedScenario, artifacts: &Artifacts, options: &RunOptions) -> Vec<ScenarioReport> {
    run_configs(prepared, artifacts, options, &|run| run.steps(&prepared.steps))
}

/// Runs a scenario on each of its configurations, `feed` giving each run its steps, and
/// compares them.
fn run_configs(
    prepared: &PreparedScenario,
    artifacts: &Artifacts,
    options: &RunOptions,
    feed: &dyn Fn(&mut ScenarioRun<'_>),
) -> Vec<ScenarioReport> {
    let labels = match plan(prepared, options.executor) {
        Ok(labels) => labels,
        Err(reason) => {
            let label = if prepared.uses_stylus { WASMER } else { REVM };
            let mut report = ScenarioReport::new(prepared, label);
            report.outcome = ScenarioOutcome::Skipped(reason.0);
            return vec![report];
        }
    };
    let twins = match options.ink_profile.then(|| named_twins(prepared, artifacts)).transpose() {
        Ok(twins) => twins,
        Err(message) => {
            let mut report = ScenarioReport::new(prepared, labels[0]);
            report.outcome = ScenarioOutcome::Error(message);
            return vec![report];
        }
    };
    let mut reports = Vec::with_capacity(labels.len());
    // Parity compares two configurations' observations; a single run needs none.
    let observe = labels.len() > 1;
    for label in labels {
        crate::isolate::config_started(label, &prepared.name);
        let natives = if label == DEBUGGER { native_forms(prepared, artifacts) } else { Ok(Vec::new()) };
        let report = match natives {
            Ok(natives) => {
                let exec = crate::execute::ExecOptions {
                    keep_going: options.keep_going,
                    trace: options.trace,
                    trace_all_steps: options.trace_all_steps,
                    profile: twins.clone(),
                    observe,
                };
                let mut run = ScenarioRun::new(prepared, label, &natives, &exec);
                feed(&mut run);
                run.finish()
            }
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

/// Builds (or finds) the unstripped twins of a scenario's `contract:` modules.
fn named_twins(prepared: &PreparedScenario, artifacts: &Artifacts) -> Result<Arc<NamedTwins>, String> {
    let mut twins = NamedTwins::new();
    for contract in &prepared.contracts {
        let failed = |e: crate::contracts::BuildError| format!("{}: {}: {e}", contract.location, contract.json_path);
        let deployed = artifacts.contracts().wasm(&contract.krate).map_err(failed)?;
        let named = artifacts.contracts().named_wasm(&contract.krate).map_err(failed)?;
        twins.insert(alloy_primitives::keccak256(&deployed.wasm[..]), named.wasm);
    }
    Ok(Arc::new(twins))
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
    let (files, partition) = select_files(paths, options.filter.as_deref(), options.partition)?;
    let options = &crate::overlap::budget(options, files.len());
    let artifacts = run_artifacts(options);
    let isolated = options.isolate || options.timeout.is_some();
    let exe = if isolated { Some(std::env::current_exe().map_err(SuiteError::WorkerBinary)?) } else { None };
    let runs = for_each_file(
        &files,
        options,
        |file| match &exe {
            Some(exe) => Some(crate::isolate::run_in_worker(exe, file, options)),
            None => Some(run_file(file, &artifacts, options)),
        },
        |reports| reports.iter().any(|r| !r.passed() && !matches!(r.outcome, ScenarioOutcome::Skipped(_))),
    )?;
    let mut report = RunReport { scenarios: runs.into_iter().flatten().collect(), partition, gas_report: None };
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
        let result = loaded.and_then(|s| prepare(s, &artifacts).map(|_| ()).map_err(|e| e.to_string()));
        if let Err(message) = result {
            errors.push(message);
        }
    }
    Ok((files.len(), errors))
}
