//! Execute: run a prepared scenario on a fresh world, step by step, checking as it goes.

mod activation;
mod checks;
mod dump;
mod state_check;

use std::sync::Arc;
use std::time::Instant;

use alloy_primitives::{Address, U256};
use scenario_format::ActivationExpect;
use world_mock::{BlockSettings, Commit, TraceLevel, TxOutcome, TxStatus, World};

use crate::executors::NativeForm;
use crate::parity::Observation;
use crate::prepare::{Action, PreparedScenario, PreparedStep, StateSetup, TxKind};
use crate::profile::Profiling;
use crate::report::{
    AccountActual, Actual, FrameReport, ScenarioOutcome, ScenarioReport, StepLocation, StepReport, TxActual,
};

pub use crate::executors::REVM;

/// Runs every step on the scenario's default configuration (`wasmer` if it has Stylus code,
/// else `revm`); see [`run_scenario_on`].
pub fn run_scenario(scenario: &PreparedScenario) -> ScenarioReport {
    let label = if scenario.uses_stylus { crate::executors::WASMER } else { REVM };
    run_scenario_on(scenario, label, &[], &ExecOptions::default())
}

/// How steps run and what they record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecOptions {
    /// Run every step even after one fails.
    pub keep_going: bool,
    /// Record call trees (and hostio calls).
    pub trace: TraceLevel,
    /// Keep the trees of every step, not only of failing ones.
    pub trace_all_steps: bool,
    /// Profile the ink (`--ink-profile`), naming `contract:` programs' functions from these
    /// twins.
    pub profile: Option<std::sync::Arc<crate::profile::NamedTwins>>,
    /// Record what each transaction did ([`Observation`]), for the parity check between two
    /// configurations (off for a single run: every step of a large file would keep one).
    pub observe: bool,
}

/// Runs the steps with the executors of configuration `label` (programs with a native form in
/// `natives` run on the debugger under `debugger`). The run stops at the first step whose
/// expectations fail — later steps depend on its state — and lists the rest as not run, unless
/// `keep_going`, which runs every step and shows every mismatch.
pub fn run_scenario_on(
    scenario: &PreparedScenario,
    label: &str,
    natives: &[NativeForm],
    options: &ExecOptions,
) -> ScenarioReport {
    let mut run = ScenarioRun::new(scenario, label, natives, options);
    run.steps(&scenario.steps);
    run.finish()
}

/// A run of a scenario on one configuration, fed a step at a time (a streamed run prepares
/// each step just before it runs): [`run_scenario_on`] without the list of steps. The steps of
/// `scenario` itself are not used.
pub struct ScenarioRun<'a> {
    scenario: &'a PreparedScenario,
    options: &'a ExecOptions,
    report: ScenarioReport,
    world: World,
    profiling: Option<Profiling>,
    names: CodeNames,
    locations: Locations,
    started: Instant,
    /// When the last step ended (its wall time's end), if the next one follows it at once.
    last_end: Option<Instant>,
    /// Skipped, or stopped on an input error: later steps are ignored.
    ended: bool,
}

impl std::fmt::Debug for ScenarioRun<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let report = &self.report;
        f.debug_struct("ScenarioRun").field("scenario", &report.name).field("executor", &report.executor).finish()
    }
}

impl<'a> ScenarioRun<'a> {
    /// A run of `scenario` on configuration `label`, before its first step.
    pub fn new(scenario: &'a PreparedScenario, label: &str, natives: &[NativeForm], options: &'a ExecOptions) -> Self {
        let started = Instant::now();
        let mut report = ScenarioReport::new(scenario, label);
        let mut world = World::default();
        let mut ended = false;
        if let Some(reason) = &scenario.unsupported {
            report.outcome = ScenarioOutcome::Skipped(reason.clone());
            ended = true;
        } else {
            crate::executors::install(&mut world, label, natives);
        }
        let profiling = options.profile.clone().map(Profiling::new);
        let level = match profiling {
            // Profiles are folded from call trees.
            Some(_) => TraceLevel { calls: true, profile: true, ..options.trace },
            None => options.trace,
        };
        world.set_trace(level);
        // Only the parity check between two configurations reads the state diffs.
        world.set_diffs(options.observe);
        ScenarioRun {
            scenario,
            options,
            report,
            world,
            profiling,
            names: CodeNames::default(),
            locations: Locations::default(),
            started,
            last_end: None,
            ended,
        }
    }

    /// Room for `count` step reports (a streamed run knows how many steps are coming).
    pub fn reserve(&mut self, count: usize) {
        self.report.steps.reserve(count);
    }

    /// Runs the next step, or lists it as not run once an earlier step failed.
    pub fn step(&mut self, step: &PreparedStep) {
        self.last_end = None;
        self.step_after(step);
    }

    /// Runs `steps` one after the other, as [`ScenarioRun::step`] runs each; nothing else is
    /// timed between them, so each step's wall time starts where the one before ended: one
    /// clock read per step instead of two (a read takes about 25 ns on a 2-vCPU VM, 0.5 % of an
    /// ERC-20 transfer's run).
    pub fn steps<'s>(&mut self, steps: impl IntoIterator<Item = &'s PreparedStep>) {
        self.last_end = None;
        for step in steps {
            self.step_after(step);
        }
    }

    /// Runs the next step right after the last one, as [`ScenarioRun::steps`] runs them: its
    /// wall time starts where the last step's ended.
    pub fn step_after(&mut self, step: &PreparedStep) {
        let last_end = self.last_end.take();
        let report = &mut self.report;
        if self.ended {
            return;
        }
        if report.outcome == ScenarioOutcome::Failed && !self.options.keep_going {
            report.not_run.push(step_label(step));
            return;
        }
        // Written where it is kept: moving a step's report (a few hundred bytes) into the list
        // cost more than filling it.
        let step_report = report.steps.push_mut(StepReport::default());
        (step_report.index, step_report.id, step_report.kind) = (step.origin.index, step.id.clone(), step.kind);
        step_report.location = self.locations.of(&step.origin);
        // A worker's report of the step (a write to its parent) is not the step's time.
        let reported = crate::isolate::step_started(|| step_label(step), &step_report.location);
        let step_started = last_end.filter(|_| !reported).unwrap_or_else(Instant::now);
        let world = &mut self.world;
        let result = run_step(world, self.scenario, step, step_report, self.profiling.as_mut(), self.options.observe);
        self.names.record(step, step_report, world, result.as_ref().ok().copied().flatten());
        let step_ended = Instant::now();
        step_report.wall_time = step_ended - step_started;
        self.last_end = Some(step_ended);
        if let Err(message) = result {
            report.outcome = ScenarioOutcome::Error(format!("{}: {message}", step_report.location));
            report.wall_time = self.started.elapsed();
            self.ended = true;
            return;
        }
        // A step's tree is kept when it failed (or with --trace all), and only if asked for.
        if (step_report.mismatches.is_empty() && !self.options.trace_all_steps) || !self.options.trace.calls {
            step_report.trace = None;
        }
        report.gas_used += step_report.gas_used.unwrap_or(0);
        if !step_report.mismatches.is_empty() {
            report.outcome = ScenarioOutcome::Failed;
        }
    }

    /// Whether every step so far passed (and the run goes on).
    pub fn passing(&self) -> bool {
        !self.ended && self.report.outcome == ScenarioOutcome::Passed
    }

    /// Ends the run on an input error found while feeding it (later steps are ignored).
    pub fn input_error(&mut self, message: String) {
        if !self.ended {
            self.report.outcome = ScenarioOutcome::Error(message);
            self.report.wall_time = self.started.elapsed();
            self.ended = true;
        }
    }

    /// The report, once every step was fed.
    pub fn finish(self) -> ScenarioReport {
        let mut report = self.report;
        if !self.ended {
            report.profile = self.profiling.map(|p| p.stacks.finish());
            report.wall_time = self.started.elapsed();
        }
        report
    }
}

/// The names of the code at each address, as far as the scenario tells (accounts given code by
/// `setState`, contracts deployed by `deploy`), to name the contract each transaction addressed.
#[derive(Default)]
struct CodeNames(foldhash::HashMap<Address, Arc<str>>);

impl CodeNames {
    fn record(&mut self, step: &PreparedStep, report: &mut StepReport, world: &World, created: Option<Address>) {
        let meta = &step.meta;
        for (address, name) in &meta.named_code {
            self.0.insert(*address, name.clone());
        }
        if report.status.is_none() {
            return;
        }
        report.function = meta.function.clone();
        report.contract = match (&meta.code_name, &meta.target) {
            (Some(name), _) => Some(name.clone()),
            (None, Some((address, written))) => match self.0.get(address) {
                Some(name) => Some(Arc::clone(name)),
                // A plain transfer to an account without known code is no contract call.
                None if step.kind == "transfer"
                    && world.state().account(address).is_none_or(|a| a.code_bytes().is_empty()) =>
                {
                    None
                }
                None => Some(written.as_str().into()),
            },
            (None, None) => None,
        };
        if let (Some(created), Some(name)) = (created, &meta.code_name) {
            self.0.insert(created, name.clone());
        }
    }
}

/// How a step is named in lists: `"id" (#index)` or `#index`, and its type.
fn step_label(step: &PreparedStep) -> String {
    match &step.id {
        Some(id) => format!("{id:?} (#{}) {}", step.origin.index, step.kind),
        None => format!("#{} {}", step.origin.index, step.kind),
    }
}

/// Runs one step; returns the contract a deploy created. `Err` means the input could not be used
/// (reported as exit code 2).
fn run_step(
    world: &mut World,
    scenario: &PreparedScenario,
    step: &PreparedStep,
    report: &mut StepReport,
    profiling: Option<&mut Profiling>,
    observe: bool,
) -> Result<Option<Address>, String> {
    let mut created = None;
    let decoder = crate::report::Decoder { functions: &scenario.functions, errors: &scenario.errors };
    match &step.action {
        Action::SetState(setup) => apply_set_state(world, setup)?,
        Action::Tx { kind, request, expect, activate, deployer } => {
            let commit = if *kind == TxKind::Query { Commit::No } else { Commit::Yes };
            // Read before the transaction; only a deploy's address check uses it.
            let sender_nonce =
                (*kind == TxKind::Deploy).then(|| world.state().account(&request.from).map_or(0, |a| a.nonce));
            // The outcome is used where it was returned, not moved out of its `Result` (it is a
            // few hundred bytes, copied on every transaction).
            let (sent, executed, rejected);
            let outcome: &TxOutcome = match deployer {
                Some(call) => {
                    sent = crate::deployer::send(world, request, call).map_err(|e| e.to_string())?;
                    &sent
                }
                None => {
                    executed = world.execute(request, commit);
                    match &executed {
                        Ok(outcome) => outcome,
                        Err(e) => {
                            rejected = rejected_outcome(e.0.clone());
                            &rejected
                        }
                    }
                }
            };
            report.status = Some(outcome.status.as_str().into());
            report.gas_used = Some(outcome.gas_used);
            report.ink_used = outcome.ink_used;
            report.unmetered = outcome.unmetered;
            report.frames = outcome.stylus_frames.iter().map(FrameReport::of).collect();
            report.detail = outcome.halt_reason.clone().filter(|d| !d.is_empty());
            checks::check_tx(expect, outcome, &scenario.errors, report)?;
            report.trace = outcome.trace.as_ref().and_then(|t| crate::report::tree(t, decoder)).map(Box::new);
            if let (Some(profiling), Some(trace)) = (profiling, &outcome.trace) {
                profiling.add(world, trace, decoder, step_label(step));
            }
            if let Some(sender_nonce) = sender_nonce {
                explain_address_miss(world, request.from, sender_nonce, report);
            }
            report.observed = observe.then(|| Box::new(Observation::of(outcome)));
            created = outcome.created;
            if *activate && let Some(created) = outcome.created {
                world.activate_program(created).map_err(|e| format!("activating the deployed program: {e}"))?;
                activation::check_activation(
                    world,
                    created,
                    outcome,
                    expect.activation.as_deref().unwrap_or(&ActivationExpect::default()),
                    report,
                );
            }
            capture_tx(world, outcome, outcome.created.filter(|_| *activate), report);
        }
        Action::CheckState(check) => {
            state_check::check_state(world, check, report)?;
            if !report.mismatches.is_empty() {
                let accounts = check
                    .check
                    .accounts
                    .iter()
                    .map(|(address, _)| (address.value, account_actual(world, address.value)));
                report.actual = Some(Arc::new(Actual { tx: None, accounts: accounts.collect() }));
            }
        }
        Action::DumpState(path) => {
            let text = dump::dump_state(world);
            match path {
                Some(path) => {
                    let base = step.origin.file.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
                    let target = base.join(path);
                    crate::atomic::write(&target, text.as_bytes())
                        .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
                }
                None => report.output = Some(text),
            }
        }
        Action::Activate { request, program, value, expect } => {
            let outcome = activation::activate(world, request, *value);
            report.status = Some(outcome.status.as_str().into());
            report.gas_used = Some(outcome.gas_used);
            report.unmetered = outcome.unmetered;
            checks::check_tx(expect, &outcome, &scenario.errors, report)?;
            report.trace = outcome.trace.as_ref().and_then(|t| crate::report::tree(t, decoder)).map(Box::new);
            if let (Some(profiling), Some(trace)) = (profiling, &outcome.trace) {
                profiling.add(world, trace, decoder, step_label(step));
            }
            report.observed = observe.then(|| Box::new(Observation::of(&outcome)));
            activation::check_activation(
                world,
                *program,
                &outcome,
                expect.activation.as_deref().unwrap_or(&ActivationExpect::default()),
                report,
            );
            capture_tx(world, &outcome, Some(*program), report);
        }
    }
    Ok(created)
}

/// Keeps a failing transaction's actual values for `diorama bless`.
fn capture_tx(world: &World, outcome: &TxOutcome, program: Option<Address>, report: &mut StepReport) {
    if report.mismatches.is_empty() {
        return;
    }
    let tx = TxActual {
        status: outcome.status.to_string(),
        output: outcome.output.clone(),
        logs: outcome.logs.clone(),
        created: outcome.created,
        gas_used: outcome.gas_used,
        ink_used: outcome.ink_used,
        program: program.and_then(|p| world.program_at(p)).map(|r| r.info),
    };
    report.actual = Some(Arc::new(Actual { tx: Some(tx), accounts: Default::default() }));
}

fn account_actual(world: &World, address: Address) -> AccountActual {
    let Some(account) = world.state().account(&address) else {
        return AccountActual::default();
    };
    AccountActual {
        balance: account.balance,
        nonce: account.nonce,
        storage: account.storage.iter().filter(|(_, v)| !v.is_zero()).map(|(k, v)| (*k, *v)).collect(),
        program: world.program_at(address).map(|r| r.info),
    }
}

/// An `address` mismatch of a deploy says who deployed at which nonce, and what
/// `newAddresses` names for that creator, since a wrong nonce is the usual cause.
fn explain_address_miss(world: &World, from: alloy_primitives::Address, nonce: u64, report: &mut StepReport) {
    let Some(miss) = report.mismatches.iter_mut().find(|m| m.field == "address") else { return };
    let show =
        |a: &alloy_primitives::Address| scenario_format::reconstruct(a.as_slice(), scenario_format::Hint::Address);
    let names: Vec<String> =
        world.names_for(from).iter().map(|(n, address)| format!("nonce {n} → {}", show(address))).collect();
    let named = if names.is_empty() { "none".to_string() } else { names.join(", ") };
    miss.actual.push_str(&format!(" (deployed by {} at nonce {nonce}; newAddresses for it: {named})", show(&from)));
}

/// A transaction the chain would not include is reported as a failure with the reason.
pub(crate) fn rejected_outcome(reason: String) -> TxOutcome {
    TxOutcome {
        status: TxStatus::Failure,
        halt_reason: Some(reason),
        output: Default::default(),
        gas_used: 0,
        ink_used: None,
        stylus_frames: Vec::new(),
        unmetered: false,
        trace: None,
        logs: Vec::new(),
        created: None,
        diff: Default::default(),
    }
}

fn apply_set_state(world: &mut World, setup: &StateSetup) -> Result<(), String> {
    for account in &setup.accounts {
        let state = world.state_mut();
        let entry = state.account_mut(account.address);
        if let Some(balance) = account.balance {
            entry.balance = balance;
        }
        if let Some(nonce) = account.nonce {
            entry.nonce = nonce;
        }
        if let Some(code) = &account.code {
            state.set_code(account.address, code);
        }
        for (key, value) in &account.storage {
            state.set_storage(account.address, *key, *value);
        }
    }
    if let Some(block) = &setup.block {
        let mut settings: BlockSettings = world.block().clone();
        let set = |field: &Option<U256>, target: &mut u64| {
            if let Some(v) = field {
                *target = v.saturating_to();
            }
        };
        set(&block.number.as_ref().map(|v| v.value), &mut settings.number);
        set(&block.timestamp.as_ref().map(|v| v.value), &mut settings.timestamp);
        let set_u64 = |field: Option<u64>, target: &mut u64| {
            if let Some(v) = field {
                *target = v;
            }
        };
        set_u64(block.basefee, &mut settings.basefee);
        set_u64(block.chain_id, &mut settings.chain_id);
        set_u64(block.gas_limit, &mut settings.gas_limit);
        if let Some(coinbase) = &block.coinbase {
            settings.coinbase = coinbase.value;
        }
        if let Some(version) = block.arbos_version {
            settings.arbos_version = version;
        }
        if let Some(l1_number) = block.l1_number {
            settings.l1_number = Some(l1_number);
        }
        world.set_block(settings);
    }
    if let Some(arbitrum) = &setup.arbitrum {
        apply_arbitrum(world, arbitrum);
    }
    for (creator, nonce, address) in &setup.new_addresses {
        world.name_new_address(*creator, *nonce, *address);
    }
    for account in setup.accounts.iter().filter(|a| a.activate) {
        world.activate_program(account.address).map_err(|e| format!("activating {}: {e}", account.address))?;
    }
    Ok(())
}

/// `setState.arbitrum`: chain settings and Stylus parameters; omitted fields keep their value.
fn apply_arbitrum(world: &mut World, arbitrum: &scenario_format::ArbitrumState) {
    let mut config = world.arbos_config().clone();
    let addresses = |list: &Vec<scenario_format::AddressValue>| list.iter().map(|a| a.value).collect();
    if let Some(owners) = &arbitrum.chain_owners {
        config.chain_owners = addresses(owners);
    }
    if let Some(managers) = &arbitrum.cache_managers {
        config.cache_managers = addresses(managers);
    }
    if let Some(account) = &arbitrum.network_fee_account {
        config.network_fee_account = account.value;
    }
    if let Some(account) = &arbitrum.infra_fee_account {
        config.infra_fee_account = account.value;
    }
    if let Some(fee) = &arbitrum.l1_base_fee {
        config.l1_base_fee = fee.value;
    }
    if let Some(price) = &arbitrum.minimum_gas_price {
        config.minimum_gas_price = price.value;
    }
    world.set_arbos_config(config);
    let mut params = world.stylus_params().clone();
    let set = |field: Option<u16>, target: &mut u16| {
        if let Some(value) = field {
            *target = value;
        }
    };
    set(arbitrum.stylus_version, &mut params.version);
    set(arbitrum.expiry_days, &mut params.expiry_days);
    set(arbitrum.keepalive_days, &mut params.keepalive_days);
    set(arbitrum.block_cache_size, &mut params.block_cache_size);
    if let Some(gas) = arbitrum.activation_gas {
        params.activation_gas = gas;
    }
    if let Some(count) = arbitrum.max_fragment_count {
        params.max_fragment_count = count;
    }
    world.set_stylus_params(params);
}

/// Steps' locations as their reports give them; the file's name is made once per file and
/// shared by its steps' reports (every step's report has a location).
#[derive(Default)]
struct Locations {
    /// The last file seen, and its name as text.
    file: Option<(Arc<std::path::PathBuf>, Arc<str>)>,
}

impl Locations {
    fn of(&mut self, origin: &scenario_format::Origin) -> StepLocation {
        let name = match &self.file {
            Some((file, name)) if Arc::ptr_eq(file, &origin.file) => name,
            _ => &self.file.insert((origin.file.clone(), origin.file.to_string_lossy().into())).1,
        };
        StepLocation { file: Arc::clone(name), position: origin.position() }
    }
}
