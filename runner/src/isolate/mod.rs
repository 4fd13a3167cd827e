//! `--isolate` and `--timeout`: each scenario file runs in a worker process — the `diorama`
//! binary itself, `diorama worker FILE` (a hidden subcommand) — that reports over its stdout,
//! one marked JSON line per event: a configuration (executor) starting, a step starting, a
//! configuration's report, and at the end the file's reports (after the parity check). The
//! parent runs up to `--jobs` workers at once and waits for each with a deadline:
//!
//! - a worker that dies (an abort, a segfault, a native stack overflow, any exit without its
//!   final reports) makes the configuration it was running `crashed`, with the signal or exit
//!   status, the last step it had started and the last lines it wrote on stderr; configurations
//!   it had finished keep their reports;
//! - a configuration still running `--timeout` seconds after its first step started is
//!   `timeout`, naming its step (building contracts and loading do not count), and its worker is
//!   killed (SIGKILL), which always works: native contract code cannot be stopped inside a
//!   process, and neither can an EVM or WASM step with a huge gas limit.
//!
//! Everything else (`filter`, `--executor`, `--keep-going`, `-v`, `--trace`) behaves as in
//! process, and the report order is the same; `--ink-profile` needs the run in process.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::executors::REVM;
use crate::parity::Divergence;
use crate::report::{FrameReport, Mismatch, ScenarioOutcome, ScenarioReport, StepReport, TraceNode};
use crate::suite::{RunOptions, TX_STACK_SIZE, run_artifacts, run_file};

mod wire_trace;
use wire_trace::WireTrace;

/// Starts the worker's protocol lines on its stdout; anything else written there (a native
/// contract's own output) is passed through to the parent's stderr.
const MARK: &str = "\u{1e}diorama-worker ";

/// Lines of a dead worker's stderr quoted in its `crashed` report.
const LAST_WORDS: usize = 8;

/// How long the parent waits for a worker's pipes to close once it has exited or been killed.
const DRAIN: Duration = Duration::from_secs(2);

/// Set in a worker process: the run reports its progress on stdout.
static REPORTING: AtomicBool = AtomicBool::new(false);

/// What a worker tells its parent.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Event {
    /// A configuration of the file starts.
    Config {
        /// Its executor label.
        executor: String,
        /// The scenario's name.
        name: String,
    },
    /// A step starts.
    Step {
        /// `"id" (#3) call` or `#3 call`.
        label: String,
        /// `file:line:column`.
        location: String,
    },
    /// A configuration ended (before the parity check).
    Finished(Box<WireScenario>),
    /// The file's reports, after the parity check: the worker's last word.
    Done(Vec<WireScenario>),
}

fn emit(event: &Event) {
    let Ok(json) = serde_json::to_string(event) else { return };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{MARK}{json}");
    let _ = stdout.flush();
}

/// Called by the runner as a configuration of a scenario starts (no-op outside a worker).
pub(crate) fn config_started(executor: &str, name: &str) {
    if REPORTING.load(Ordering::Relaxed) {
        emit(&Event::Config { executor: executor.to_string(), name: name.to_string() });
    }
}

/// Whether this process is a worker reporting to its parent.
pub(crate) fn reporting() -> bool {
    REPORTING.load(Ordering::Relaxed)
}

/// Called by the runner as a step starts (no-op outside a worker); whether it reported.
pub(crate) fn step_started(label: impl FnOnce() -> String, location: &crate::report::StepLocation) -> bool {
    let reporting = REPORTING.load(Ordering::Relaxed);
    if reporting {
        emit(&Event::Step { label: label(), location: location.to_string() });
    }
    reporting
}

/// Called by the runner as a configuration ends (no-op outside a worker).
pub(crate) fn config_finished(report: &ScenarioReport) {
    if REPORTING.load(Ordering::Relaxed) {
        emit(&Event::Finished(Box::new(WireScenario::from(report))));
    }
}

/// The worker: runs one scenario file as `run` would and reports on stdout. Returns the exit code.
pub fn worker(file: &Path, options: &RunOptions) -> u8 {
    REPORTING.store(true, Ordering::Relaxed);
    let artifacts = run_artifacts(options);
    // Transactions recurse through foreign code: the same stack as the run's worker threads.
    let run = std::thread::Builder::new()
        .stack_size(TX_STACK_SIZE)
        .spawn({
            let (file, options) = (file.to_path_buf(), options.clone());
            move || run_file(&file, &artifacts, &options)
        })
        .map(|handle| handle.join());
    match run {
        Ok(Ok(reports)) => {
            emit(&Event::Done(reports.iter().map(WireScenario::from).collect()));
            0
        }
        // A panic of diorama itself: the parent reports the worker as crashed.
        _ => 101,
    }
}

/// The command line of a worker for `file`.
fn worker_command(exe: &Path, file: &Path, options: &RunOptions) -> Command {
    let mut command = Command::new(exe);
    command.arg("worker").arg(file);
    if let Some(executor) = clap::ValueEnum::to_possible_value(&options.executor) {
        command.args(["--executor", executor.get_name()]);
    }
    if options.keep_going {
        command.arg("--keep-going");
    }
    if options.verbose {
        command.arg("--verbose");
    }
    // Call trees are recorded by the worker and cross the pipe with its reports.
    if options.trace.calls {
        command.arg("--trace-calls");
    }
    if options.trace.hostios {
        command.arg("--trace-hostios");
    }
    if options.trace_all_steps {
        command.arg("--trace-all-steps");
    }
    for (name, dir) in &options.contracts {
        command.arg("--contract").arg(format!("{name}={}", dir.display()));
    }
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

/// What the parent knows of a running worker.
#[derive(Default)]
struct Progress {
    /// The configuration running: executor label and scenario name.
    config: Option<(String, String)>,
    /// The last step started in it: label and location.
    step: Option<(String, String)>,
    /// Reports of the configurations that ended.
    finished: Vec<ScenarioReport>,
    /// The final reports.
    done: Option<Vec<ScenarioReport>>,
}

/// Why a configuration did not end.
enum Stop {
    Died(ExitStatus),
    Timeout(Duration),
    Lost(String),
}

/// Runs `file` in a worker and returns its reports, with `crashed`/`timeout` for the
/// configuration a dead or stopped worker was running.
pub(crate) fn run_in_worker(exe: &Path, file: &Path, options: &RunOptions) -> Vec<ScenarioReport> {
    let mut child = match worker_command(exe, file, options).spawn() {
        Ok(child) => child,
        Err(e) => {
            return vec![stopped(file, None, None, Stop::Lost(format!("cannot start a worker process: {e}")), &[])];
        }
    };
    let (events, stderr) = listen(&mut child);
    let mut progress = Progress::default();
    let mut deadline: Option<Instant> = None;
    let stop = loop {
        let message = match deadline {
            Some(at) => events.recv_timeout(at.saturating_duration_since(Instant::now())),
            None => events.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        };
        match message {
            Ok(Event::Config { executor, name }) => {
                progress.config = Some((executor, name));
                progress.step = None;
            }
            Ok(Event::Step { label, location }) => {
                // The clock starts at a run's first step: loading, preparing and building the
                // contracts' native forms are not counted.
                if progress.step.is_none() && progress.config.is_some() {
                    deadline = options.timeout.map(|limit| Instant::now() + limit);
                }
                progress.step = Some((label, location));
            }
            Ok(Event::Finished(report)) => {
                progress.finished.push(ScenarioReport::from(*report));
                progress.config = None;
                deadline = None;
            }
            Ok(Event::Done(reports)) => progress.done = Some(reports.into_iter().map(ScenarioReport::from).collect()),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                let _ = child.wait();
                break Stop::Timeout(options.timeout.unwrap_or_default());
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => match child.wait() {
                Ok(status) => break Stop::Died(status),
                Err(e) => break Stop::Lost(format!("cannot wait for the worker process: {e}")),
            },
        }
    };
    if let (Stop::Died(status), Some(done)) = (&stop, progress.done.take())
        && status.success()
    {
        return done;
    }
    let last_words = stderr.recv_timeout(DRAIN).unwrap_or_default();
    let (executor, name) = progress.config.take().unzip();
    let mut reports = progress.finished;
    let step = progress.step.take();
    let mut report = stopped(file, executor.as_deref(), step, stop, &last_words);
    if let Some(name) = name {
        report.name = name;
    }
    reports.push(report);
    reports
}

/// The report of a configuration whose worker died or was stopped.
fn stopped(
    file: &Path,
    executor: Option<&str>,
    step: Option<(String, String)>,
    stop: Stop,
    last_words: &[String],
) -> ScenarioReport {
    let place = match &step {
        Some((label, location)) => format!("in step {label} at {location}"),
        None => "before its first step (loading, preparing or building)".to_string(),
    };
    let outcome = match stop {
        Stop::Timeout(limit) => ScenarioOutcome::Timeout(format!(
            "still running {} s after its first step: stopped {place}",
            limit.as_secs_f64()
        )),
        Stop::Died(status) => {
            let mut reason = format!("the worker process {} {place}", describe(status));
            if !last_words.is_empty() {
                reason.push_str("\nits last lines on stderr:\n  ");
                reason.push_str(&last_words.join("\n  "));
            }
            ScenarioOutcome::Crashed(reason)
        }
        Stop::Lost(why) => ScenarioOutcome::Crashed(why),
    };
    ScenarioReport {
        file: file.to_path_buf(),
        name: file.display().to_string(),
        executor: executor.unwrap_or(REVM).to_string(),
        outcome,
        steps: Vec::new(),
        gas_used: 0,
        not_run: Vec::new(),
        divergence: None,
        profile: None,
        wall_time: Duration::ZERO,
    }
}

/// `was killed by SIGABRT (signal 6)`, `exited with status 3`.
fn describe(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                4 => "SIGILL",
                5 => "SIGTRAP",
                6 => "SIGABRT",
                7 => "SIGBUS",
                8 => "SIGFPE",
                9 => "SIGKILL",
                11 => "SIGSEGV",
                13 => "SIGPIPE",
                15 => "SIGTERM",
                _ => "signal",
            };
            return format!("was killed by {name} (signal {signal})");
        }
    }
    match status.code() {
        Some(0) => "exited without its reports".to_string(),
        Some(code) => format!("exited with status {code}"),
        None => format!("ended ({status})"),
    }
}

/// Reads the worker's stdout (events; other text goes to our stderr) and stderr (passed
/// through; its last lines are kept) on two threads.
fn listen(child: &mut Child) -> (mpsc::Receiver<Event>, mpsc::Receiver<Vec<String>>) {
    let (event_tx, events) = mpsc::channel();
    if let Some(stdout) = child.stdout.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let Some(at) = line.find(MARK) else {
                    eprintln!("{line}");
                    continue;
                };
                if at > 0 {
                    eprintln!("{}", &line[..at]);
                }
                match serde_json::from_str::<Event>(&line[at + MARK.len()..]) {
                    Ok(event) => {
                        if event_tx.send(event).is_err() {
                            break;
                        }
                    }
                    Err(e) => eprintln!("warning: unreadable line from a worker process: {e}"),
                }
            }
        });
    }
    let (words_tx, words) = mpsc::channel();
    let kept = Arc::new(Mutex::new(VecDeque::with_capacity(LAST_WORDS)));
    if let Some(stderr) = child.stderr.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                eprintln!("{line}");
                if line.starts_with("diorama: build") || line.trim().is_empty() {
                    continue; // progress of contract builds: not what a crash report needs
                }
                let mut kept = kept.lock().unwrap_or_else(|p| p.into_inner());
                if kept.len() == LAST_WORDS {
                    kept.pop_front();
                }
                kept.push_back(line);
            }
            let kept = kept.lock().unwrap_or_else(|p| p.into_inner());
            let _ = words_tx.send(kept.iter().cloned().collect());
        });
    }
    (events, words)
}

/// A [`ScenarioReport`] on the wire: every field the parent renders (the report's JSON form
/// leaves some out, e.g. which mismatches are shown as diffs).
#[derive(Debug, Serialize, Deserialize)]
struct WireScenario {
    file: PathBuf,
    name: String,
    executor: String,
    outcome: ScenarioOutcome,
    steps: Vec<WireStep>,
    gas_used: u64,
    not_run: Vec<String>,
    divergence: Option<Divergence>,
    wall_time: Duration,
}

#[derive(Debug, Serialize, Deserialize)]
struct WireStep {
    index: usize,
    id: Option<String>,
    kind: String,
    location: (std::sync::Arc<str>, Option<(usize, usize)>),
    status: Option<std::borrow::Cow<'static, str>>,
    gas_used: Option<u64>,
    ink_used: Option<u64>,
    unmetered: bool,
    contract: Option<std::sync::Arc<str>>,
    function: Option<std::sync::Arc<str>>,
    frames: Vec<FrameReport>,
    trace: Option<WireTrace>,
    wall_time: Duration,
    mismatches: Vec<WireMismatch>,
    notes: Vec<String>,
    output: Option<String>,
    detail: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct WireMismatch {
    field: String,
    expected: String,
    actual: String,
    structured: bool,
    raw: Option<String>,
}

impl From<&ScenarioReport> for WireScenario {
    fn from(r: &ScenarioReport) -> Self {
        let steps = r
            .steps
            .iter()
            .map(|s| WireStep {
                index: s.index,
                id: s.id.clone(),
                kind: s.kind.to_string(),
                location: (s.location.file.clone(), s.location.position),
                status: s.status.clone(),
                gas_used: s.gas_used,
                ink_used: s.ink_used,
                unmetered: s.unmetered,
                contract: s.contract.clone(),
                function: s.function.clone(),
                frames: s.frames.clone(),
                trace: s.trace.as_deref().map(WireTrace::from),
                wall_time: s.wall_time,
                mismatches: s
                    .mismatches
                    .iter()
                    .map(|m| WireMismatch {
                        field: m.field.clone(),
                        expected: m.expected.clone(),
                        actual: m.actual.clone(),
                        structured: m.structured,
                        raw: m.raw.clone(),
                    })
                    .collect(),
                notes: s.notes.clone(),
                output: s.output.clone(),
                detail: s.detail.clone(),
            })
            .collect();
        WireScenario {
            file: r.file.clone(),
            name: r.name.clone(),
            executor: r.executor.clone(),
            outcome: r.outcome.clone(),
            steps,
            gas_used: r.gas_used,
            not_run: r.not_run.clone(),
            divergence: r.divergence.clone(),
            wall_time: r.wall_time,
        }
    }
}

/// The step kinds as the runner names them (a report's `kind` is a `&'static str`).
fn step_kind(kind: &str) -> &'static str {
    scenario_format::raw::STEP_NAMES.iter().find(|name| **name == kind).copied().unwrap_or("step")
}

impl From<WireScenario> for ScenarioReport {
    fn from(w: WireScenario) -> Self {
        let steps = w
            .steps
            .into_iter()
            .map(|s| StepReport {
                index: s.index,
                id: s.id,
                kind: step_kind(&s.kind),
                location: crate::report::StepLocation { file: s.location.0, position: s.location.1 },
                status: s.status,
                gas_used: s.gas_used,
                ink_used: s.ink_used,
                unmetered: s.unmetered,
                contract: s.contract,
                function: s.function,
                frames: s.frames,
                trace: s.trace.map(|t| Box::new(TraceNode::from(t))),
                wall_time: s.wall_time,
                mismatches: s
                    .mismatches
                    .into_iter()
                    .map(|m| {
                        let base = if m.structured {
                            Mismatch::structured(m.field, m.expected, m.actual)
                        } else {
                            Mismatch::new(m.field, m.expected, m.actual)
                        };
                        base.with_raw(m.raw)
                    })
                    .collect(),
                notes: s.notes,
                output: s.output,
                detail: s.detail,
                ..StepReport::default()
            })
            .collect();
        ScenarioReport {
            file: w.file,
            name: w.name,
            executor: w.executor,
            outcome: w.outcome,
            steps,
            gas_used: w.gas_used,
            not_run: w.not_run,
            divergence: w.divergence,
            profile: None,
            wall_time: w.wall_time,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_cross_the_wire_whole() {
        let step = StepReport {
            index: 3,
            id: Some("send".into()),
            kind: "call",
            location: crate::report::StepLocation { file: "a.scen.json".into(), position: Some((4, 5)) },
            status: Some("revert".into()),
            gas_used: Some(21_000),
            ink_used: Some(7),
            mismatches: vec![
                Mismatch::structured("logs", "a\nb", "a\nc"),
                Mismatch::new("error", "x", "y").with_raw(Some("0x01".into())),
            ],
            notes: vec!["ink: unchecked".into()],
            output: Some("dump".into()),
            detail: Some("why".into()),
            unmetered: true,
            contract: Some("counter".into()),
            function: Some("increment()".into()),
            wall_time: Duration::from_micros(345),
            ..StepReport::default()
        };
        let report = ScenarioReport {
            file: "a.scen.json".into(),
            name: "a".into(),
            executor: "debugger".into(),
            outcome: ScenarioOutcome::Failed,
            steps: vec![step],
            gas_used: 21_000,
            not_run: vec!["#4 call".into()],
            divergence: Some(Divergence {
                step: "#3".into(),
                location: "a.scen.json:4:5".into(),
                field: "status".into(),
                executors: ["wasmer".into(), "debugger".into()],
                values: ["success".into(), "failure".into()],
            }),
            profile: None,
            wall_time: Duration::from_millis(12),
        };
        let json = serde_json::to_string(&Event::Finished(Box::new(WireScenario::from(&report)))).unwrap();
        let Event::Finished(back) = serde_json::from_str(&json).unwrap() else { panic!("{json}") };
        let back = ScenarioReport::from(*back);
        // Everything the report renders, the JSON form and what only the human form shows.
        assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&report).unwrap());
        assert_eq!(back.steps[0].mismatches, report.steps[0].mismatches);
        assert!(back.steps[0].mismatches[0].structured);
        assert_eq!(back.steps[0].kind, "call");
    }
}
