//! Command-line interface: `run`, `snapshot`, `bless`, `build`, `check`, `schema`, `activate`,
//! `statetest`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use crate::build_cmd::BuildForm;
use crate::executors::ExecutorChoice;
use crate::partition::Partition;
use crate::progress::ProgressMode;
use crate::report::{GasReport, RunReport, render_human, render_json, render_junit};
use crate::snapshot::{DiffFormat, Mode, SnapshotOptions};
use crate::suite::{RunOptions, check_paths, run_paths};

/// A test harness for smart contracts on more than one VM.
#[derive(Debug, Parser)]
#[command(name = "diorama", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Report formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Colored text for terminals.
    Human,
    /// The report model as JSON (`schemaVersion` 1).
    Json,
    /// JUnit XML for CI dashboards.
    Junit,
}

/// What `--trace` records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TraceMode {
    /// Call trees of failing steps.
    Failing,
    /// Call trees of every step.
    All,
    /// Each hostio call inside Stylus frames.
    Hostio,
}

/// Formats of `diorama activate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ActivateFormat {
    /// Text for terminals.
    Human,
    /// `{"schemaVersion": 1, "programs": [...]}`.
    Json,
}

/// Options shared by the commands that run suites.
#[derive(Debug, clap::Args)]
pub struct SuiteArgs {
    /// `run`: only scenario files whose path contains this text (chosen before any file is read);
    /// `statetest`: only files or tests whose path or name contains it.
    #[arg(long)]
    pub filter: Option<String>,
    /// Threads: files run in parallel, and a large file loads beside its run on a spare one (0 =
    /// one per core); the report order never changes.
    #[arg(long, short, default_value_t = 0)]
    pub jobs: usize,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also write the report to this file (JUnit if it ends in .xml, else JSON).
    #[arg(long)]
    pub report: Option<PathBuf>,
}

impl SuiteArgs {
    /// Writes `json` or `junit` to `--report FILE` (atomically), chosen by the file's extension.
    fn write_report(&self, json: impl FnOnce() -> String, junit: impl FnOnce() -> String) -> anyhow::Result<()> {
        if let Some(path) = &self.report {
            let text = if path.extension().is_some_and(|e| e == "xml") { junit() } else { json() };
            crate::atomic::write(path, text.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
        }
        Ok(())
    }
}

/// Which part of a suite runs, and how progress shows (commands that run scenario suites).
#[derive(Debug, clap::Args)]
pub struct ScopeArgs {
    /// Only part K of N of the files (by a stable hash of each file's path relative to the run
    /// root), to split a suite across a CI matrix.
    #[arg(long, value_name = "K/N")]
    pub partition: Option<Partition>,
    /// Progress on stderr: a bar on a terminal, plain lines when not a terminal or `CI` is set.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
    /// Stylus executors for programs with a native form (`contract:NAME`): `all` runs each
    /// such scenario on both and compares them step by step.
    #[arg(long, value_enum, default_value_t = ExecutorChoice::All)]
    pub executor: ExecutorChoice,
}

/// Selection options of `snapshot` and `bless`.
#[derive(Debug, clap::Args)]
pub struct SelectArgs {
    /// Only cases whose file path or name contains this text.
    #[arg(long)]
    pub filter: Option<String>,
    /// Files run in parallel (0 = one per core).
    #[arg(long, short, default_value_t = 0)]
    pub jobs: usize,
    /// Partition, progress and executors.
    #[command(flatten)]
    pub scope: ScopeArgs,
}

impl SelectArgs {
    /// Snapshots and bless need every step's figures: a failing step does not stop a scenario.
    fn options(&self) -> RunOptions {
        RunOptions { keep_going: true, ..self.scope.options(self.filter.clone(), self.jobs) }
    }
}

impl ScopeArgs {
    fn options(&self, filter: Option<String>, jobs: usize) -> RunOptions {
        RunOptions {
            filter,
            jobs,
            executor: self.executor,
            partition: self.partition,
            progress: Some(self.progress),
            ..Default::default()
        }
    }
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenario files (folders are searched recursively for *.scen.json).
    Run {
        /// Files or folders.
        #[arg(default_value = "fixtures/scenarios")]
        paths: Vec<PathBuf>,
        /// Selection, parallelism and report options.
        #[command(flatten)]
        common: SuiteArgs,
        /// Partition, progress and executors.
        #[command(flatten)]
        scope: ScopeArgs,
        /// List passing steps too (and capture a backtrace with each contract panic).
        #[arg(long, short)]
        verbose: bool,
        /// Run every step of a scenario even after one fails (by default a scenario stops at its
        /// first failing step, since later steps depend on its state, and lists the rest).
        #[arg(long)]
        keep_going: bool,
        /// Call trees across EVM and Stylus frames: of failing steps (`--trace`, also with `-v`),
        /// of every step (`--trace=all`), with each hostio call of Stylus frames
        /// (`--trace=hostio`; combine: `--trace=all,hostio`). The value needs `=`, so that a
        /// path after `--trace` stays a path.
        #[arg(
            long,
            value_enum,
            value_delimiter = ',',
            num_args = 0..=1,
            require_equals = true,
            default_missing_value = "failing"
        )]
        trace: Option<Vec<TraceMode>>,
        /// Also write the traced steps' call trees (with hostio calls) to FILE as JSON.
        #[arg(long, value_name = "FILE")]
        trace_file: Option<PathBuf>,
        /// Profile where the ink goes: per scenario and executor, folded stacks and an SVG
        /// flamegraph in DIR, and the costliest functions in the report. Figures are unchanged.
        #[arg(long, value_name = "DIR")]
        ink_profile: Option<PathBuf>,
        /// After the run, gas (and ink) per contract, function and executor: calls, min, mean,
        /// median, max (also in `--format json` as `gasReport`).
        #[arg(long)]
        gas_report: bool,
        /// Run each scenario file in a worker process: a contract that aborts, segfaults or
        /// overflows its stack makes that scenario `crashed` and the others run. Off by default,
        /// so that a debugger attached to `diorama` sees the contract code. Ink profiles are
        /// recorded in process: not with --ink-profile.
        #[arg(long, conflicts_with = "ink_profile")]
        isolate: bool,
        /// Stop a scenario (each executor's run of it) still running after SECS seconds and
        /// report it `timeout` with its step. Implies --isolate: a running native contract can
        /// only be stopped by ending its process. Default: no limit.
        #[arg(
            long,
            value_name = "SECS",
            value_parser = clap::value_parser!(u64).range(1..),
            conflicts_with = "ink_profile"
        )]
        timeout: Option<u64>,
    },
    /// Write the suite's gas/ink snapshot (one line per scenario × step × executor), or compare
    /// with it (`--check`, `--diff`).
    Snapshot {
        /// Files or folders.
        #[arg(default_value = "fixtures/scenarios")]
        paths: Vec<PathBuf>,
        /// The snapshot file (default: `.diorama-snapshot` in the folder holding every PATH).
        #[arg(long, value_name = "FILE")]
        snapshot: Option<PathBuf>,
        /// Exit 1 when anything changed (beyond --tolerance), listing what; write nothing.
        #[arg(long, conflicts_with = "diff")]
        check: bool,
        /// Show each change (old → new, delta, percent, by size) and the totals; write nothing.
        #[arg(long)]
        diff: bool,
        /// With --check or --diff: accept drift up to PCT percent per figure.
        #[arg(long, value_name = "PCT")]
        tolerance: Option<f64>,
        /// Accept a snapshot taken under another fingerprint (rewrite it, or compare anyway).
        #[arg(long)]
        force: bool,
        /// How changes are printed.
        #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
        format: DiffFormat,
        /// Selection options.
        #[command(flatten)]
        select: SelectArgs,
    },
    /// Rewrite failing expectations from the actual run (shows the changes first).
    Bless {
        /// Files or folders.
        #[arg(default_value = "fixtures/scenarios")]
        paths: Vec<PathBuf>,
        /// Show what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Selection options.
        #[command(flatten)]
        select: SelectArgs,
    },
    /// Run one scenario file and report on stdout, for `run --isolate` (internal).
    #[command(hide = true)]
    Worker {
        /// The scenario file.
        file: PathBuf,
        /// As for `run`.
        #[arg(long, value_enum, default_value_t = ExecutorChoice::All)]
        executor: ExecutorChoice,
        /// As for `run`.
        #[arg(long)]
        keep_going: bool,
        /// As for `run`.
        #[arg(long, short)]
        verbose: bool,
        /// A contract crate registered ahead of `diorama.toml`: `NAME=DIR`.
        #[arg(long = "contract", value_name = "NAME=DIR")]
        contracts: Vec<String>,
        /// Record call trees (as `run --trace`).
        #[arg(long)]
        trace_calls: bool,
        /// Record hostio calls (as `run --trace=hostio`).
        #[arg(long)]
        trace_hostios: bool,
        /// Keep every step's tree (as `run --trace=all`).
        #[arg(long)]
        trace_all_steps: bool,
    },
    /// Build the contracts that suites name (every `diorama.toml` under or above PATHS), both
    /// forms, ahead of a run (e.g. to fill a CI cache).
    Build {
        /// Files or folders.
        #[arg(default_value = "fixtures/scenarios")]
        paths: Vec<PathBuf>,
        /// Only this form.
        #[arg(long, value_enum)]
        only: Option<BuildForm>,
    },
    /// Validate scenario files without running them (parse, schema, signatures, artifacts).
    Check {
        /// Files or folders.
        #[arg(default_value = "fixtures/scenarios")]
        paths: Vec<PathBuf>,
    },
    /// Print the scenario JSON Schema.
    Schema,
    /// Report what Stylus activation would say about WASM files, offline (validation errors,
    /// or module hash, footprint, asm estimate, init/cached cost, activation gas, data fee).
    Activate {
        /// WASM files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format (`json` has "schemaVersion"; there is no JUnit form of this report).
        #[arg(long, value_enum, default_value_t = ActivateFormat::Human)]
        format: ActivateFormat,
    },
    /// Run Ethereum GeneralStateTests (JSON files or folders) through the world mock.
    #[command(alias = "stest")]
    Statetest {
        /// Files or folders of state tests.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Selection, parallelism and report options.
        #[command(flatten)]
        common: SuiteArgs,
        /// Run every file even after a failure.
        #[arg(long)]
        keep_going: bool,
        /// Also run the very slow tests that revme skips.
        #[arg(long)]
        include_slow: bool,
    },
}

/// Runs a parsed command line; returns the exit code. Made to be called once, by the process
/// about to exit: `run` leaves the memory of its report for the system to take back.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Run {
            paths,
            common,
            scope,
            verbose,
            keep_going,
            trace,
            trace_file,
            ink_profile,
            gas_report,
            isolate,
            timeout,
        } => {
            executor_debugger::DebuggerExecutor::set_backtraces(verbose);
            let modes = trace.unwrap_or_default();
            let traced = verbose || trace_file.is_some() || !modes.is_empty();
            let options = RunOptions {
                keep_going,
                trace: world_mock::TraceLevel {
                    calls: traced,
                    hostios: modes.contains(&TraceMode::Hostio),
                    profile: false,
                },
                trace_all_steps: modes.contains(&TraceMode::All),
                ink_profile: ink_profile.is_some(),
                isolate,
                timeout: timeout.map(std::time::Duration::from_secs),
                verbose,
                ..scope.options(common.filter.clone(), common.jobs)
            };
            let mut outcome = match run_paths(&paths, &options) {
                Ok(outcome) => outcome,
                Err(message) => {
                    eprintln!("error: {message}");
                    return Ok(2);
                }
            };
            if let Some(filter) = &options.filter
                && outcome.scenarios.is_empty()
            {
                // Like `forge test` when nothing matches: a warning, exit 0.
                eprintln!("warning: no scenario file path contains `{filter}`; nothing ran");
            }
            if gas_report {
                outcome.gas_report = Some(GasReport::of(&outcome));
            }
            print_report(&outcome, common.format, verbose)?;
            if let Some(dir) = &ink_profile {
                let files = crate::profile::write_profiles(dir, &outcome.scenarios)
                    .with_context(|| format!("writing ink profiles into {}", dir.display()))?;
                eprintln!("diorama: wrote {} ink profile files into {}", files.len(), dir.display());
            }
            if let Some(path) = &trace_file {
                crate::atomic::write(path, crate::report::render_trace_file(&outcome).as_bytes())
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            common.write_report(|| render_json(&outcome), || render_junit(&outcome))?;
            let code = outcome.exit_code();
            // The process ends right after this: the system takes its memory back at once, while
            // freeing every step report one by one is serial work at the end of the run
            // (measured: ~4 ms for 30,000 steps, ~3 % of a 100-file suite with --jobs 2).
            std::mem::forget(outcome);
            Ok(code)
        }
        Command::Snapshot { paths, snapshot, check, diff, tolerance, force, format, select } => {
            let mode = if check {
                Mode::Check
            } else if diff {
                Mode::Diff
            } else {
                Mode::Write
            };
            if let Some(t) = tolerance {
                if mode == Mode::Write {
                    eprintln!(
                        "error: --tolerance applies to --check and --diff (a written snapshot holds the actual figures)"
                    );
                    return Ok(2);
                }
                if !(t.is_finite() && t >= 0.0) {
                    eprintln!("error: --tolerance: got {t}, expected a percentage >= 0");
                    return Ok(2);
                }
            }
            let options = SnapshotOptions { file: snapshot, mode, tolerance: tolerance.unwrap_or(0.0), force, format };
            let outcome = crate::snapshot::snapshot(&paths, &select.options(), &options);
            print_outcome(outcome.map(|o| (o.output, o.exit_code)))
        }
        Command::Bless { paths, dry_run, select } => {
            let outcome = crate::bless::bless(&paths, &select.options(), dry_run);
            print_outcome(outcome.map(|o| (o.output, o.exit_code)))
        }
        Command::Check { paths } => {
            let (count, errors) = match check_paths(&paths) {
                Ok(r) => r,
                Err(message) => {
                    eprintln!("error: {message}");
                    return Ok(2);
                }
            };
            for error in &errors {
                eprintln!("error: {error}");
            }
            println!("{} files checked, {} with errors", count, errors.len());
            Ok(if errors.is_empty() { 0 } else { 2 })
        }
        Command::Worker {
            file,
            executor,
            keep_going,
            verbose,
            contracts,
            trace_calls,
            trace_hostios,
            trace_all_steps,
        } => {
            executor_debugger::DebuggerExecutor::set_backtraces(verbose);
            let contracts = contracts
                .iter()
                .map(|c| c.split_once('=').map(|(n, d)| (n.to_string(), PathBuf::from(d))))
                .collect::<Option<Vec<_>>>()
                .context("--contract takes NAME=DIR")?;
            let trace = world_mock::TraceLevel { calls: trace_calls, hostios: trace_hostios, profile: false };
            let options =
                RunOptions { executor, keep_going, verbose, contracts, trace, trace_all_steps, ..Default::default() };
            Ok(crate::isolate::worker(&file, &options))
        }
        Command::Build { paths, only } => crate::build_cmd::build(&paths, only),
        Command::Schema => {
            print!("{}", scenario_format::SCHEMA_JSON);
            Ok(0)
        }
        Command::Activate { files, format } => {
            let mut rejected = false;
            let mut json = Vec::new();
            for file in &files {
                let result = match crate::activate_cmd::activation_report(file) {
                    Ok(result) => result,
                    Err(message) => {
                        eprintln!("error: {message}");
                        return Ok(2);
                    }
                };
                rejected |= result.is_err();
                match format {
                    ActivateFormat::Json => json.push(crate::activate_cmd::render_json(file, &result)),
                    ActivateFormat::Human => write_stdout(&crate::activate_cmd::render_human(file, &result))?,
                }
            }
            if format == ActivateFormat::Json {
                write_stdout(&crate::activate_cmd::render_json_document(json))?;
            }
            Ok(u8::from(rejected))
        }
        Command::Statetest { paths, common, keep_going, include_slow } => {
            let options = statetest::StatetestOptions {
                jobs: (common.jobs > 0).then_some(common.jobs),
                filter: common.filter.clone(),
                keep_going,
                include_slow,
                ..Default::default()
            };
            let outcome = match statetest::run(&paths, &options) {
                Ok(outcome) => outcome,
                Err(error) => {
                    eprintln!("error: {error}");
                    return Ok(2);
                }
            };
            let text = match common.format {
                Format::Human => outcome.render_human(colored::control::SHOULD_COLORIZE.should_colorize()),
                Format::Json => outcome.render_json(),
                Format::Junit => outcome.render_junit(),
            };
            write_stdout(&text)?;
            common.write_report(|| outcome.render_json(), || outcome.render_junit())?;
            Ok(if outcome.failed() == 0 { 0 } else { 1 })
        }
    }
}

fn print_report(report: &RunReport, format: Format, verbose: bool) -> anyhow::Result<()> {
    let text = match format {
        Format::Human => render_human(report, verbose),
        Format::Json => render_json(report),
        Format::Junit => render_junit(report),
    };
    write_stdout(&text)
}

/// Prints a command's output and returns its exit code; an unusable input is exit 2.
fn print_outcome(outcome: Result<(String, u8), impl std::fmt::Display>) -> anyhow::Result<u8> {
    match outcome {
        Ok((output, code)) => {
            write_stdout(&output)?;
            Ok(code)
        }
        Err(message) => {
            eprintln!("error: {message}");
            Ok(2)
        }
    }
}

fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error.
    match stdout.write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing the report"),
    }
}
