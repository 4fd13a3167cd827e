//! Command-line interface: `run`, `check`, `schema`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use crate::build_cmd::BuildForm;
use crate::executors::ExecutorChoice;
use crate::report::{RunReport, render_human, render_json, render_junit};
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
    /// Files run in parallel (0 = one per core); the report order never changes.
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
    /// Writes `json` or `junit` to `--report FILE`, chosen by the file's extension.
    fn write_report(&self, json: impl FnOnce() -> String, junit: impl FnOnce() -> String) -> anyhow::Result<()> {
        if let Some(path) = &self.report {
            let text = if path.extension().is_some_and(|e| e == "xml") { junit() } else { json() };
            crate::atomic::write_atomic(path, text.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
        }
        Ok(())
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
        /// List passing steps too (and capture a backtrace with each contract panic).
        #[arg(long, short)]
        verbose: bool,
        /// Stylus executors for programs with a native form (`contract:NAME`): `all` runs each
        /// such scenario on both and compares them step by step.
        #[arg(long, value_enum, default_value_t = ExecutorChoice::All)]
        executor: ExecutorChoice,
        /// Run every step of a scenario even after one fails (by default a scenario stops at its
        /// first failing step, since later steps depend on its state, and lists the rest).
        #[arg(long)]
        keep_going: bool,
        /// Run each scenario file in a worker process: a contract that aborts, segfaults or
        /// overflows its stack makes that scenario `crashed` and the others run. Off by default,
        /// so that a debugger attached to `diorama` sees the contract code.
        #[arg(long)]
        isolate: bool,
        /// Stop a scenario (each executor's run of it) still running after SECS seconds and
        /// report it `timeout` with its step. Implies --isolate: a running native contract can
        /// only be stopped by ending its process. Default: no limit.
        #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
        timeout: Option<u64>,
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

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Run { paths, common, verbose, executor, keep_going, isolate, timeout } => {
            executor_debugger::DebuggerExecutor::set_backtraces(verbose);
            let options = RunOptions {
                filter: common.filter.clone(),
                jobs: common.jobs,
                executor,
                keep_going,
                isolate,
                timeout: timeout.map(std::time::Duration::from_secs),
                verbose,
                ..Default::default()
            };
            let outcome = match run_paths(&paths, &options) {
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
            print_report(&outcome, common.format, verbose)?;
            common.write_report(|| render_json(&outcome), || render_junit(&outcome))?;
            Ok(outcome.exit_code())
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
        Command::Worker { file, executor, keep_going, verbose, contracts } => {
            executor_debugger::DebuggerExecutor::set_backtraces(verbose);
            let contracts = contracts
                .iter()
                .map(|c| c.split_once('=').map(|(n, d)| (n.to_string(), PathBuf::from(d))))
                .collect::<Option<Vec<_>>>()
                .context("--contract takes NAME=DIR")?;
            let options = RunOptions { executor, keep_going, verbose, contracts, ..Default::default() };
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

fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error.
    match stdout.write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing the report"),
    }
}
