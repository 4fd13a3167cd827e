//! Running many scenario files: load, prepare and execute each, in parallel, with a
//! deterministic report order.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::artifacts::Artifacts;
use crate::execute::{REVM, run_scenario};
use crate::prepare::prepare;
use crate::report::{RunReport, ScenarioOutcome, ScenarioReport};

/// Stack for threads that run transactions: calls from foreign code back into the EVM recurse.
pub const TX_STACK_SIZE: usize = 256 << 20;

/// How to run a suite.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Only scenarios whose file path or name contains this text.
    pub filter: Option<String>,
    /// Worker threads (0 = one per core).
    pub jobs: usize,
}

/// Loads, prepares and runs one scenario file; input errors become an `Error` outcome.
pub fn run_file(path: &Path, artifacts: &Artifacts, filter: Option<&str>) -> Option<ScenarioReport> {
    let error = |message: String| ScenarioReport {
        file: path.to_path_buf(),
        name: path.display().to_string(),
        executor: REVM.to_string(),
        outcome: ScenarioOutcome::Error(message),
        steps: Vec::new(),
        gas_used: 0,
    };
    let scenario = match scenario_format::load_scenario(path) {
        Ok(s) => s,
        Err(e) => return Some(error(e.to_string())),
    };
    if let Some(filter) = filter
        && !path.display().to_string().contains(filter)
        && !scenario.name.contains(filter)
    {
        return None;
    }
    match prepare(&scenario, artifacts) {
        Ok(prepared) => Some(run_scenario(&prepared)),
        Err(e) => Some(error(e.to_string())),
    }
}

/// Runs every scenario file under `paths`.
pub fn run_paths(paths: &[PathBuf], options: &RunOptions) -> Result<RunReport, String> {
    let files = crate::discover::discover(paths)?;
    let artifacts = Artifacts::default();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs)
        .stack_size(TX_STACK_SIZE)
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let filter = options.filter.as_deref();
    let scenarios: Vec<ScenarioReport> =
        pool.install(|| files.par_iter().filter_map(|file| run_file(file, &artifacts, filter)).collect());
    let mut report = RunReport { scenarios };
    report.sort();
    Ok(report)
}

/// Validates files without running them: strict parse, JSON Schema, and preparation.
/// Returns one message per unusable file.
pub fn check_paths(paths: &[PathBuf]) -> Result<(usize, Vec<String>), String> {
    let files = crate::discover::discover(paths)?;
    let artifacts = Artifacts::default();
    let mut errors = Vec::new();
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!("{}: cannot read: {e}", file.display()));
                continue;
            }
        };
        let loaded = scenario_format::load_scenario_str(file, &text).map_err(|e| e.to_string());
        let result = loaded
            .and_then(|s| scenario_format::validate_schema(file, &text).map(|()| s).map_err(|e| e.to_string()))
            .and_then(|s| prepare(&s, &artifacts).map(|_| ()).map_err(|e| e.to_string()));
        if let Err(message) = result {
            errors.push(message);
        }
    }
    Ok((files.len(), errors))
}
