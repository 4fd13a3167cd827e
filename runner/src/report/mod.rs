//! The report model: one [`RunReport`] of [`ScenarioReport`]s of [`StepReport`]s. The output
//! formats (human, JSON, JUnit) and the gas report are views of it; apart from the wall times
//! (`wallTimeMs`, JUnit `time`) nothing in it depends on timing or thread count, so the same
//! input gives the same report.

mod actual;
mod gas;
mod human;
mod json;
mod junit;
mod location;
mod trace;

pub use actual::{AccountActual, Actual, TxActual};
pub use gas::{GasReport, GasRow, GasStats};
pub use human::render_human;
pub use json::{SCHEMA_VERSION, render_json};
pub use junit::render_junit;
pub use location::StepLocation;
pub use trace::{Decoder, HostioNode, TraceNode, render_tree, tree};
pub(crate) use trace::{function_of, show_address};

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::parity::{Divergence, Observation};

/// One expectation that did not hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// What was checked: `status`, `out[1]`, `logs[0].topics[2]`, `accounts["address:bob"].balance`.
    pub field: String,
    /// The expected value, as the scenario wrote it or in the same notation.
    pub expected: String,
    /// The actual value, reconstructed readably.
    pub actual: String,
    /// Multi-line values get a line diff in human output.
    #[serde(skip)]
    pub structured: bool,
    /// The raw bytes behind a decoded actual value (revert data), shown under it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
}

impl Mismatch {
    /// A scalar mismatch.
    pub fn new(field: impl Into<String>, expected: impl Into<String>, actual: impl Into<String>) -> Self {
        Self { field: field.into(), expected: expected.into(), actual: actual.into(), structured: false, raw: None }
    }

    /// The same, with the raw bytes behind the actual value.
    pub fn with_raw(self, raw: Option<String>) -> Self {
        Self { raw, ..self }
    }

    /// A mismatch of multi-line values, shown as a diff.
    pub fn structured(field: impl Into<String>, expected: impl Into<String>, actual: impl Into<String>) -> Self {
        Self { structured: true, ..Self::new(field, expected, actual) }
    }
}

/// One Stylus frame of a transaction (JSON report only), in the order the frames started.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FrameReport {
    /// The account whose storage the frame used (`0x…`).
    pub address: String,
    /// The account whose code ran, when it differs (a delegate call).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_address: Option<String>,
    /// The executor that ran it (`wasmer`, `debugger`); empty when none could.
    pub executor: String,
    /// EVM call depth (1 for the transaction's own frame).
    pub depth: usize,
    /// How it ended, in the scenario format's spelling of statuses.
    pub status: String,
    /// Gas the frame used, its entry cost included.
    pub gas_used: u64,
    /// nitro's frame ink (`ink_limit − ink_left`): the frame's own work plus the ink it paid for
    /// the gas of its nested calls and creates. Absent when the executor does not meter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ink: Option<u64>,
    /// The frame's own ink: `ink` less what it paid for nested calls and creates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_ink: Option<u64>,
}

impl FrameReport {
    /// The report of a frame the chain recorded.
    pub fn of(frame: &world_mock::stylus::FrameRecord) -> Self {
        let code_address = (frame.code_address != frame.contract).then(|| format!("{:#x}", frame.code_address));
        Self {
            address: format!("{:#x}", frame.contract),
            code_address,
            executor: frame.executor.to_string(),
            depth: frame.depth,
            status: frame_status(frame.status).to_string(),
            gas_used: frame.gas_used,
            ink: frame.ink,
            self_ink: frame.self_ink,
        }
    }
}

fn frame_status(status: world_mock::stylus::StylusStatus) -> &'static str {
    use world_mock::stylus::StylusStatus as S;
    match status {
        S::Success => "success",
        S::Revert => "revert",
        S::Failure => "failure",
        S::OutOfInk => "outOfInk",
        S::OutOfStack => "outOfStack",
        S::NotActivated => "notActivated",
        S::InvalidCode => "invalidCode",
    }
}

/// What happened in one step.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    /// Position in the scenario's flattened step list.
    pub index: usize,
    /// The step's `id`, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The step type (`call`, `checkState`, …).
    pub kind: &'static str,
    /// Where the step is written: `file:line:column`.
    pub location: StepLocation,
    /// The transaction's status, for transaction steps (a status's own name, not copied per step).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Cow<'static, str>>,
    /// Gas used, for transaction steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gas_used: Option<u64>,
    /// Ink of the transaction, when metered: the inclusive ink of its outermost Stylus frames.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ink_used: Option<u64>,
    /// A native frame ran, so `gas_used` is not the chain's figure (snapshots and the gas report
    /// leave it out).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unmetered: bool,
    /// The contract a transaction step addressed: its code's name (`ERC20` for
    /// `evm:…/ERC20.json`, `counter` for `wasm:…/counter.wasm` or `contract:counter`), else the
    /// address as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract: Option<Arc<str>>,
    /// The function called (`transfer(address,uint256)`), a raw selector (`0xa9059cbb`),
    /// `(deploy)`, `(activate)` or `(no calldata)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<Arc<str>>,
    /// The transaction's Stylus frames, with their inclusive and own ink.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub frames: Vec<FrameReport>,
    /// Expectations that failed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mismatches: Vec<Mismatch>,
    /// Remarks such as "ink: unchecked, not metered".
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Text the step printed (`dumpState` without a path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Why the transaction did not succeed, when known (a trap, a contract's panic message and,
    /// with `-v`, its backtrace, a host error, revm's halt reason).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// What the transaction did, for the parity check between executors.
    #[serde(skip)]
    pub observed: Option<Box<Observation>>,
    /// The transaction's call tree (`--trace`: failing steps; `--trace all`: every step).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<Box<TraceNode>>,
    /// The actual values behind the mismatches, for `diorama bless` (only when some failed).
    #[serde(skip)]
    pub actual: Option<Arc<Actual>>,
    /// Wall time of the step.
    #[serde(rename = "wallTimeMs", serialize_with = "millis")]
    pub wall_time: Duration,
}

/// A duration as milliseconds with microsecond precision (`12.345`).
fn millis<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(duration.as_micros() as f64 / 1000.0)
}

impl StepReport {
    /// `id` when present, else `#index`.
    pub fn label(&self) -> String {
        match &self.id {
            Some(id) => format!("{id:?} (#{})", self.index),
            None => format!("#{}", self.index),
        }
    }
}

/// How a scenario ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", tag = "result", content = "reason")]
pub enum ScenarioOutcome {
    /// Every expectation held.
    Passed,
    /// Some expectation failed (see the steps' mismatches).
    Failed,
    /// Not run, with the reason (e.g. it needs an executor this build lacks).
    Skipped(String),
    /// The input could not be used: bad file, bad expression, missing artifact.
    Error(String),
    /// The worker process running it died (`--isolate`): the signal or exit status, and the
    /// step it had started.
    Crashed(String),
    /// Still running after `--timeout` seconds and stopped: the limit and the step it was in.
    Timeout(String),
}

/// One scenario file run on one executor configuration.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioReport {
    /// The scenario file.
    pub file: PathBuf,
    /// The scenario's name.
    pub name: String,
    /// The executor configuration (`revm` for EVM-only scenarios).
    pub executor: String,
    /// The result.
    #[serde(flatten)]
    pub outcome: ScenarioOutcome,
    /// Steps that ran (all of them for a pass; up to the end for a failure).
    pub steps: Vec<StepReport>,
    /// Total gas of the scenario's transactions.
    pub gas_used: u64,
    /// Steps not run because an earlier one failed (without `--keep-going`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_run: Vec<String>,
    /// Where this run and the scenario's run on another executor first differ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub divergence: Option<Divergence>,
    /// Where the ink went (`--ink-profile`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<crate::profile::InkProfile>,
    /// Wall time of this run (preparation is shared by the executors and not included, but for
    /// an overlapped run, where it goes on beside the steps: see [`crate::overlap`]).
    #[serde(rename = "wallTimeMs", serialize_with = "millis")]
    pub wall_time: Duration,
}

impl ScenarioReport {
    /// An empty report of `scenario` on configuration `executor`.
    pub fn new(scenario: &crate::prepare::PreparedScenario, executor: &str) -> Self {
        Self {
            file: scenario.file.clone(),
            name: scenario.name.clone(),
            executor: executor.to_string(),
            outcome: ScenarioOutcome::Passed,
            steps: Vec::with_capacity(scenario.steps.len()),
            gas_used: 0,
            not_run: Vec::new(),
            divergence: None,
            profile: None,
            wall_time: Duration::ZERO,
        }
    }

    /// True when the scenario passed.
    pub fn passed(&self) -> bool {
        self.outcome == ScenarioOutcome::Passed
    }

    /// All failed steps.
    pub fn failures(&self) -> impl Iterator<Item = &StepReport> {
        self.steps.iter().filter(|s| !s.mismatches.is_empty())
    }
}

/// Counts over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Scenarios that passed.
    pub passed: usize,
    /// Scenarios that failed.
    pub failed: usize,
    /// Scenarios skipped.
    pub skipped: usize,
    /// Scenarios whose input was unusable.
    pub errors: usize,
    /// Scenarios whose worker process died (`--isolate`); left out of JSON when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub crashed: usize,
    /// Scenarios stopped by `--timeout`; left out of JSON when 0.
    #[serde(rename = "timedOut", skip_serializing_if = "is_zero")]
    pub timed_out: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A whole run, in a fixed order (by file, then executor).
#[derive(Clone, Debug, Default, Serialize)]
pub struct RunReport {
    /// Every scenario run.
    pub scenarios: Vec<ScenarioReport>,
    /// The part of the suite that ran (`--partition k/n`).
    pub partition: Option<crate::partition::PartitionInfo>,
    /// Gas per contract and function, when asked for (`--gas-report`).
    pub gas_report: Option<GasReport>,
}

impl RunReport {
    /// Sorts scenarios into the report's fixed order (by file, then revm, wasmer, debugger).
    pub fn sort(&mut self) {
        use crate::executors::rank;
        self.scenarios.sort_by(|a, b| (&a.file, rank(&a.executor)).cmp(&(&b.file, rank(&b.executor))));
    }

    /// Counts by outcome.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for scenario in &self.scenarios {
            match scenario.outcome {
                ScenarioOutcome::Passed => s.passed += 1,
                ScenarioOutcome::Failed => s.failed += 1,
                ScenarioOutcome::Skipped(_) => s.skipped += 1,
                ScenarioOutcome::Error(_) => s.errors += 1,
                ScenarioOutcome::Crashed(_) => s.crashed += 1,
                ScenarioOutcome::Timeout(_) => s.timed_out += 1,
            }
        }
        s
    }

    /// The CLI's exit code: 2 if any input was unusable, 1 if any scenario failed, crashed or
    /// timed out, else 0.
    pub fn exit_code(&self) -> u8 {
        let s = self.summary();
        if s.errors > 0 {
            2
        } else if s.failed + s.crashed + s.timed_out > 0 {
            1
        } else {
            0
        }
    }
}

/// The call trees of a run's traced steps (`--trace-file`): one entry per step, in report order.
pub fn render_trace_file(report: &RunReport) -> String {
    let steps: Vec<serde_json::Value> = report
        .scenarios
        .iter()
        .flat_map(|scenario| {
            scenario.steps.iter().filter_map(move |step| {
                let trace = step.trace.as_ref()?;
                Some(serde_json::json!({
                    "file": scenario.file.display().to_string(),
                    "scenario": scenario.name,
                    "executor": scenario.executor,
                    "step": step.label(),
                    "location": step.location,
                    "trace": trace,
                }))
            })
        })
        .collect();
    let doc = serde_json::json!({ "schemaVersion": SCHEMA_VERSION, "steps": steps });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
