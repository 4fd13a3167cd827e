//! Overlapped runs of scenario files: steps run as the file loads, instead of the whole file
//! being loaded before its first step runs. With a thread to spare (and a file large enough to
//! be worth it), a second thread loads and prepares the steps while this one runs them;
//! without, each batch of steps is loaded and run in turn (its text is still in the cache when
//! it runs, and the file's model is never whole in memory).
//!
//! The run is speculative. The report of a file that turns out unusable is its input error, as
//! always, so the steps run before the error is found are thrown away; so is the run when
//! anything it could not know up front matters: a program with a native form or a scenario
//! planned for other configurations than the one run (they depend on the whole scenario), a
//! `dumpState` to a file (writing it cannot be undone), or a step that failed (its messages
//! name the custom errors of the whole scenario). The reading stops there, and the scenario is
//! run as if it had not been overlapped, from its steps read again (streamed, for a file that
//! large: see [`crate::stream`]). What is kept is exactly what the plain run reports: a passing
//! run of the same prepared steps on its one configuration (`revm`, or `wasmer` for Stylus
//! code: every world runs Stylus code on Wasmer, so the two differ only by their label until
//! the debugger is planned).
//!
//! Since only a passing speculative run is kept, its messages are never shown: its steps are
//! read without the texts only messages quote ([`Quotes::Dropped`]: values as written, JSON
//! paths), which saves a few allocations per step. The run again reads them with their texts.
//!
//! A step is dropped as soon as it has run: a passing file (the common case) never holds its
//! prepared steps, and a run given up costs one more reading of the steps before it.

use std::ops::ControlFlow;
use std::path::Path;
use std::sync::mpsc::{SendError, channel, sync_channel};

use scenario_format::Quotes;

use crate::artifacts::Artifacts;
use crate::execute::{ExecOptions, REVM, ScenarioRun};
use crate::prepare::{Action, PreparedScenario, PreparedStep, Preparer};
use crate::report::ScenarioReport;
use crate::suite::{RunOptions, TX_STACK_SIZE};

/// Steps handed from loading to running at a time (one wake-up of the running thread each);
/// the first batches are smaller, so that running starts as soon as a step is ready. On one
/// thread, each step is read and prepared as it comes and a batch is run together. The size
/// hardly matters there: when batches were also read and prepared phase by phase, the ERC-20
/// bench ran alike (within 0.6 %) with 16, 32, 64 and 128 steps.
const BATCH: usize = 64;

/// Steps in flight: the loading thread stays at most this far ahead.
const IN_FLIGHT_STEPS: usize = 4096;

/// Which files run as they load, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overlap {
    /// Files at least this large (`None`: none). By default every file: loading and running a
    /// batch of steps in turn costs nothing a whole load does not, and keeps less in memory.
    pub from_bytes: Option<u64>,
    /// Files at least this large load on a second thread, when [`Overlap::second_thread`]
    /// allows: below 32 KiB, the default, starting the thread costs more than it saves.
    pub second_thread_from_bytes: u64,
    /// Load on a second thread (else load and run in turn on one); `None`: when a thread of the
    /// run's `jobs` is spare, two per file being run (a file run alone: yes).
    pub second_thread: Option<bool>,
}

impl Default for Overlap {
    fn default() -> Self {
        Overlap { from_bytes: Some(0), second_thread_from_bytes: 32 << 10, second_thread: None }
    }
}

impl Overlap {
    /// Every file run as it loads, on a second thread or on one.
    pub fn every_file(second_thread: bool) -> Self {
        Overlap { from_bytes: Some(0), second_thread_from_bytes: 0, second_thread: Some(second_thread) }
    }
}

/// The options for running `files`: a second thread, unless chosen, only when the `jobs`
/// budget has one spare beside each running file.
pub(crate) fn budget(options: &RunOptions, files: usize) -> RunOptions {
    let jobs = match options.jobs {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        jobs => jobs,
    };
    let mut options = options.clone();
    options.overlap.second_thread.get_or_insert(jobs >= 2 * files.max(1));
    options
}

/// Whether a file of `size` bytes is run overlapped. Runs that need the whole scenario before
/// any step (ink profiles, traces of every step) and worker processes (which report steps as
/// they start) are not.
pub(crate) fn overlaps(size: u64, options: &RunOptions) -> bool {
    let possible = !options.ink_profile && !options.trace_all_steps && !crate::isolate::reporting();
    possible && options.overlap.from_bytes.is_some_and(|from| size >= from)
}

/// A prepared step, and whether the speculative run may still run it.
type Fed = (PreparedStep, bool);

/// Runs `path` (of `size` bytes) overlapped; see the module's documentation. The result is what
/// [`crate::suite::run_file`] gives without overlapping.
pub(crate) fn run(path: &Path, size: u64, artifacts: &Artifacts, options: &RunOptions) -> Vec<ScenarioReport> {
    match run_ran(path, size, artifacts, options) {
        Ran::Speculatively(report) => vec![*report],
        Ran::Again(reports) => reports,
    }
}

/// How an overlapped file ran.
enum Ran {
    /// The speculative run was kept.
    Speculatively(Box<ScenarioReport>),
    /// The scenario ran again after loading (or the file is unusable).
    Again(Vec<ScenarioReport>),
}

fn run_ran(path: &Path, size: u64, artifacts: &Artifacts, options: &RunOptions) -> Ran {
    // All the run uses of the scenario before it is whole is its file (the name is set after).
    let scenario = PreparedScenario::without_steps(path);
    let exec = ExecOptions { keep_going: options.keep_going, trace: options.trace, ..ExecOptions::default() };
    let mut speculation = Speculation::new(size, &scenario, &exec);
    let second_thread =
        options.overlap.second_thread.unwrap_or(true) && size >= options.overlap.second_thread_from_bytes;
    let loaded = if second_thread {
        load_beside(path, artifacts, &mut speculation)
    } else {
        load(path, artifacts, Quotes::Dropped, &mut |batch| speculation.feed(&batch))
    };
    let usable = match loaded {
        Loaded::Whole(prepared) => {
            if let Some(mut report) = speculation.finish()
                && report.passed()
                && prepared.unsupported.is_none()
                && let Some(label) = one_configuration(&prepared, options)
            {
                report.name.clone_from(&prepared.name);
                report.executor = label.to_owned();
                return Ran::Speculatively(Box::new(report));
            }
            true
        }
        Loaded::Stopped => true,
        Loaded::Unusable => false,
    };
    // The plain run: streamed when the file is that large; else from its steps read again, or
    // loaded whole for the first error of a file that is not usable.
    if crate::stream::streams(Some(size), options) {
        return Ran::Again(crate::suite::run_file_streamed(path, artifacts, options));
    }
    if usable && let Some(prepared) = load_kept(path, artifacts) {
        return Ran::Again(crate::suite::run_prepared(&prepared, artifacts, options));
    }
    Ran::Again(crate::suite::run_file_whole(path, artifacts, options))
}

/// What loading a file as it runs gave.
enum Loaded {
    /// Every step was handed on: the prepared scenario, without its steps.
    Whole(PreparedScenario),
    /// The run was given up, and the reading stopped there.
    Stopped,
    /// The file is not usable (or no thread could load it).
    Unusable,
}

/// Loads a file again as [`load`] does, keeping its steps, for a run that could not be kept;
/// `None` when the file is not usable.
fn load_kept(path: &Path, artifacts: &Artifacts) -> Option<PreparedScenario> {
    let mut steps = Vec::new();
    let loaded = load(path, artifacts, Quotes::Kept, &mut |batch| {
        steps.extend(batch.into_iter().map(|(step, _)| step));
        ControlFlow::Continue(())
    });
    match loaded {
        Loaded::Whole(mut prepared) => {
            prepared.steps = steps;
            Some(prepared)
        }
        Loaded::Stopped | Loaded::Unusable => None,
    }
}

/// The configuration the plain run of `prepared` would run it on, if it is only one and
/// without native forms (the speculative run's world).
fn one_configuration(prepared: &PreparedScenario, options: &RunOptions) -> Option<&'static str> {
    match crate::executors::plan(prepared, options.executor).ok()?[..] {
        [label] if prepared.contracts.is_empty() => Some(label),
        _ => None,
    }
}

/// Loads on a second thread, feeding `speculation` here, as [`load`] does (`Unusable` when no
/// thread could be started: the plain run then runs the file). The steps that have run go back
/// to the loading thread to be freed while it loads: it allocated them (freeing is cheaper
/// there), and this thread is the one the run waits for. Those run after the loading ended are
/// freed on a thread of their own (waking the loading thread for each batch would cost this one
/// more than the freeing).
fn load_beside(path: &Path, artifacts: &Artifacts, speculation: &mut Speculation<'_>) -> Loaded {
    let (sender, receiver) = sync_channel(IN_FLIGHT_STEPS / BATCH);
    let (ran_sender, ran) = channel::<Vec<Fed>>();
    let mut ran_late = Vec::new();
    let loaded = std::thread::scope(|scope| {
        let loader = std::thread::Builder::new()
            .name("diorama-load".to_owned())
            .stack_size(TX_STACK_SIZE)
            .spawn_scoped(scope, move || {
                // A send fails when the receiver is gone: the run was given up (or this thread
                // panicked), and the loading stops. Returning drops both channel ends here, and
                // the steps still waiting in `ran`.
                load(path, artifacts, Quotes::Dropped, &mut |batch| {
                    ran.try_iter().for_each(drop);
                    match sender.send(batch) {
                        Ok(()) => ControlFlow::Continue(()),
                        Err(_) => ControlFlow::Break(()),
                    }
                })
            });
        let Ok(loader) = loader else { return Loaded::Unusable };
        for batch in receiver {
            let flow = speculation.feed(&batch);
            if let Err(SendError(batch)) = ran_sender.send(batch) {
                ran_late.push(batch);
            }
            if flow.is_break() {
                break;
            }
        }
        match loader.join() {
            Ok(loaded) => loaded,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    drop_aside(ran_late);
    loaded
}

/// Drops steps on a thread of their own: freeing thousands of steps takes as long as running a
/// few hundred, and nothing waits for it (without a thread, they are dropped here).
fn drop_aside(steps: Vec<Vec<Fed>>) {
    if !steps.is_empty() {
        let _ = std::thread::Builder::new().name("diorama-drop".to_owned()).spawn(move || drop(steps));
    }
}

/// Loads and prepares each step and hands them on in batches until told to stop; the steps keep
/// `quotes` of their text.
fn load(
    path: &Path,
    artifacts: &Artifacts,
    quotes: Quotes,
    hand_on: &mut dyn FnMut(Vec<Fed>) -> ControlFlow<()>,
) -> Loaded {
    let mut preparer = Preparer::new(artifacts);
    // 1, 2, 4, … BATCH steps.
    let mut size = 1;
    // Each step is prepared as it is handed on (its parts, still in the cache, are freed for the
    // next step's to reuse), and a batch of prepared steps is run together.
    let mut batch = Vec::with_capacity(size);
    let mut failed = false;
    let visited = scenario_format::visit_scenario_early(path, quotes, &mut |entry| {
        if failed {
            return ControlFlow::Continue(());
        }
        let Ok(step) = preparer.step(entry) else {
            failed = true;
            return ControlFlow::Continue(());
        };
        let runnable = preparer.one_configuration() && !matches!(step.action, Action::DumpState(Some(_)));
        batch.push((step, runnable));
        if batch.len() < size {
            return ControlFlow::Continue(());
        }
        size = (size * 2).min(BATCH);
        hand_on(std::mem::replace(&mut batch, Vec::with_capacity(size)))
    });
    match visited {
        Ok(ControlFlow::Break(())) => Loaded::Stopped,
        Ok(ControlFlow::Continue(header)) if !failed => {
            if !batch.is_empty() && hand_on(batch).is_break() {
                return Loaded::Stopped;
            }
            Loaded::Whole(preparer.finish(header, Vec::new()))
        }
        _ => Loaded::Unusable,
    }
}

/// The speculative run: runs the steps fed to it (labelled `revm` until the end) while they may
/// run; it keeps none of them.
struct Speculation<'a> {
    /// `None` once given up.
    run: Option<ScenarioRun<'a>>,
}

impl<'a> Speculation<'a> {
    /// A run of a file of `size` bytes.
    fn new(size: u64, scenario: &'a PreparedScenario, exec: &'a ExecOptions) -> Self {
        let mut run = ScenarioRun::new(scenario, REVM, &[], exec);
        // A guess (steps of a few hundred bytes) that spares most regrowing of the step reports;
        // too large a guess only reserves address space.
        run.reserve(usize::try_from(size / 256).unwrap_or(0));
        Speculation { run: Some(run) }
    }

    /// Runs a batch; `Break` once the run is given up (this batch's other steps are not run).
    fn feed(&mut self, batch: &[Fed]) -> ControlFlow<()> {
        for (i, (step, runnable)) in batch.iter().enumerate() {
            let Some(run) = &mut self.run else { return ControlFlow::Break(()) };
            match (runnable, i) {
                (false, _) => {}
                (true, 0) => run.step(step),
                // Back to back with the step before.
                (true, _) => run.step_after(step),
            }
            if !runnable || !run.passing() {
                self.run = None;
            }
        }
        if self.run.is_some() { ControlFlow::Continue(()) } else { ControlFlow::Break(()) }
    }

    /// The report, unless the run was given up.
    fn finish(self) -> Option<ScenarioReport> {
        self.run.map(ScenarioRun::finish)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::tests::{assert_same_report, fixtures_report};
    use std::path::PathBuf;

    fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures").join(name)
    }

    #[test]
    fn overlapped_runs_report_what_plain_runs_report() {
        for keep_going in [false, true] {
            let never = Overlap { from_bytes: None, ..Overlap::default() };
            let plain = fixtures_report(|o| (o.keep_going, o.overlap) = (keep_going, never));
            for second_thread in [true, false] {
                let overlapped =
                    fixtures_report(|o| (o.keep_going, o.overlap) = (keep_going, Overlap::every_file(second_thread)));
                let context = format!("keep_going: {keep_going}, second thread: {second_thread}");
                assert_same_report(&overlapped, &plain, &context);
            }
        }
    }

    /// How `path` runs overlapped, on a second thread, checked to give what it gives on one.
    fn ran(path: &Path) -> Ran {
        let on = |second_thread| {
            let options = RunOptions { overlap: Overlap::every_file(second_thread), ..RunOptions::default() };
            let size = std::fs::metadata(path).unwrap().len();
            run_ran(path, size, &Artifacts::default(), &options)
        };
        let (beside, alone) = (on(true), on(false));
        assert_eq!(summary(&beside), summary(&alone), "{}", path.display());
        beside
    }

    /// Whether a run was kept, and its outline.
    fn summary(ran: &Ran) -> (&'static str, Vec<String>) {
        match ran {
            Ran::Speculatively(report) => ("kept", outline(std::slice::from_ref(report))),
            Ran::Again(reports) => ("again", outline(reports)),
        }
    }

    #[test]
    fn a_passing_scenario_on_one_configuration_keeps_its_speculative_run() {
        let evm = fixture("scenarios/erc20.scen.json");
        assert!(
            matches!(ran(&evm), Ran::Speculatively(ref r) if r.passed() && !r.steps.is_empty() && r.executor == "revm")
        );
        let stylus = fixture("scenarios/stylus/counter.scen.json");
        let kept = ran(&stylus);
        assert!(matches!(kept, Ran::Speculatively(ref r) if r.passed() && r.executor == "wasmer"));
        assert_eq!(summary(&kept).1, outline(&plain(&stylus)));
    }

    #[test]
    fn stylus_scenarios_planned_for_other_configurations_run_again() {
        // A native form: run on wasmer and on the debugger, and compared.
        let native = fixture("scenarios/contracts/counter.scen.json");
        let Ran::Again(reports) = ran(&native) else { panic!("a scenario with a native form was kept") };
        let executors: Vec<_> = reports.iter().map(|r| (r.executor.as_str(), r.passed())).collect();
        assert_eq!(executors, [("wasmer", true), ("debugger", true)]);
        // Restricted to the debugger without a native form: skipped, as the plain run says.
        let stylus = fixture("scenarios/stylus/counter.scen.json");
        let wasm = fixture("wasm/counter.wasm");
        let text = std::fs::read_to_string(&stylus).unwrap().replacen('{', r#"{"executors": ["debugger"], "#, 1);
        let text = text.replace("wasm:../../wasm/counter.wasm", &format!("wasm:{}", wasm.display()));
        let dir = std::env::temp_dir().join(format!("diorama-overlap-{}-restricted", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let restricted = dir.join("restricted.scen.json");
        std::fs::write(&restricted, text).unwrap();
        let Ran::Again(reports) = ran(&restricted) else { panic!("a scenario planned for no configuration was kept") };
        assert!(
            matches!(&reports[0].outcome, crate::report::ScenarioOutcome::Skipped(why) if why.contains("native form"))
        );
        assert_eq!(outline(&reports), outline(&plain(&restricted)));
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A scenario of transfers between two accounts, `edit` changing the text of step `i`
    /// (step 0 sets the accounts, steps 1.. transfer one wei each); in its own folder.
    fn transfers(name: &str, count: usize, edit: impl Fn(usize, String) -> String) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("diorama-overlap-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let accounts =
            r#"{"step": "setState", "accounts": {"address:alice": {"balance": "1,000,000"}, "address:bob": {}}}"#;
        let steps: Vec<String> = std::iter::once(accounts.to_owned())
            .chain((1..count).map(|i| {
                format!(r#"{{"step": "transfer", "tx": {{"from": "address:alice", "to": "address:bob", "value": "1"}}, "expect": {{"status": "success"}}, "comment": "{i}"}}"#)
            }))
            .enumerate()
            .map(|(i, step)| edit(i, step))
            .collect();
        let path = dir.join("transfers.scen.json");
        std::fs::write(&path, format!("{{\"steps\": [\n{}\n]}}", steps.join(",\n"))).unwrap();
        path
    }

    fn plain(path: &Path) -> Vec<ScenarioReport> {
        crate::suite::run_file_whole(path, &Artifacts::default(), &RunOptions::default())
    }

    /// What tells two runs' reports apart here: name, executor, outcome, steps run, not run.
    fn outline(reports: &[ScenarioReport]) -> Vec<String> {
        reports.iter().map(|r| format!("{:?}", (&r.name, &r.executor, &r.outcome, r.steps.len(), &r.not_run))).collect()
    }

    #[test]
    fn an_input_error_after_many_run_steps_is_the_report_and_nothing_else() {
        let path = transfers("late-error", 2_000, |i, s| if i == 1_999 { s.replace("\"1\"", "\"one\"") } else { s });
        let Ran::Again(reports) = ran(&path) else { panic!("an unusable file kept its speculative run") };
        assert!(
            matches!(&reports[0].outcome, crate::report::ScenarioOutcome::Error(m) if m.contains("steps[1999].tx.value"))
        );
        assert!(reports[0].steps.is_empty());
        assert_eq!(outline(&reports), outline(&plain(&path)));
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_file_malformed_after_many_steps_ends_in_its_input_error() {
        // Text after a step where a `,` belongs once made the structural scan spin forever.
        let path = transfers("malformed", 1_000, |i, s| if i == 999 { format!(r#"{s}x": 1}}"#) } else { s });
        let Ran::Again(reports) = ran(&path) else { panic!("a malformed file kept its speculative run") };
        assert!(
            matches!(&reports[0].outcome, crate::report::ScenarioOutcome::Error(m) if m.contains("expected `,` or `]`")),
            "{:?}",
            reports[0].outcome
        );
        assert_eq!(outline(&reports), outline(&plain(&path)));
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_large_file_whose_run_is_not_kept_runs_again_as_plain_runs_do() {
        // Every file counts as large here: the plain runs after a given-up run are streamed.
        let failing =
            transfers("streamed", 500, |i, s| if i == 300 { s.replace("\"success\"", "\"revert\"") } else { s });
        let unusable =
            transfers("streamed-unusable", 500, |i, s| if i == 499 { s.replace("\"1\"", "\"one\"") } else { s });
        for (path, second_thread) in [(&failing, true), (&failing, false), (&unusable, true), (&unusable, false)] {
            let options = RunOptions {
                overlap: Overlap::every_file(second_thread),
                stream_above_bytes: Some(0),
                ..RunOptions::default()
            };
            let size = std::fs::metadata(path).unwrap().len();
            let Ran::Again(reports) = run_ran(path, size, &Artifacts::default(), &options) else {
                panic!("{}: a failing or unusable run was kept", path.display())
            };
            assert_eq!(outline(&reports), outline(&plain(path)), "{}", path.display());
        }
        for path in [failing, unusable] {
            std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
        }
    }

    #[test]
    fn the_reading_stops_where_the_run_is_given_up() {
        // Batches of 1, 2, 4, 8, 16, 32 and then 64 steps: the stop after 100 steps comes with the
        // 127th.
        let path = transfers("given-up", 2_000, |_, s| s);
        let mut handed = 0;
        let loaded = load(&path, &Artifacts::default(), Quotes::Dropped, &mut |batch| {
            handed += batch.len();
            if handed >= 100 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
        });
        assert!(matches!(loaded, Loaded::Stopped));
        assert_eq!(handed, 127);
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_failing_step_or_a_dump_to_a_file_makes_the_scenario_run_again() {
        let failing =
            transfers("failing", 500, |i, s| if i == 300 { s.replace("\"success\"", "\"revert\"") } else { s });
        let Ran::Again(reports) = ran(&failing) else { panic!("a failing run was kept") };
        assert_eq!(reports[0].outcome, crate::report::ScenarioOutcome::Failed);
        assert_eq!(outline(&reports), outline(&plain(&failing)));
        let dumping = transfers("dumping", 500, |i, s| {
            if i == 250 { r#"{"step": "dumpState", "path": "dump.json"}"#.to_owned() } else { s }
        });
        let dump = dumping.with_file_name("dump.json");
        let Ran::Again(reports) = ran(&dumping) else { panic!("a run that dumps to a file was kept") };
        assert!(reports[0].passed());
        assert!(std::fs::read_to_string(&dump).unwrap().contains("accounts"));
        // A file found unusable after the dump: nothing is written, as when it is loaded whole.
        let unusable = transfers("dump-then-error", 500, |i, s| match i {
            250 => r#"{"step": "dumpState", "path": "dump.json"}"#.to_owned(),
            499 => s.replace("\"1\"", "\"one\""),
            _ => s,
        });
        assert!(
            matches!(ran(&unusable), Ran::Again(ref r) if matches!(r[0].outcome, crate::report::ScenarioOutcome::Error(_)))
        );
        assert!(!unusable.with_file_name("dump.json").exists());
        std::fs::remove_dir_all(unusable.parent().unwrap()).unwrap();
        for path in [failing, dumping] {
            std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
        }
    }
}
