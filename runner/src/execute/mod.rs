//! Execute: run a prepared scenario on a fresh world, step by step, checking as it goes.

mod activation;
mod checks;
mod dump;
mod state_check;

use alloy_primitives::U256;
use world_mock::{BlockSettings, Commit, TxOutcome, TxStatus, World};

use crate::executors::NativeForm;
use crate::parity::Observation;
use crate::prepare::{Action, PreparedScenario, PreparedStep, StateSetup, TxKind};
use crate::report::{ScenarioOutcome, ScenarioReport, StepReport};

pub use crate::executors::REVM;

/// Runs every step on the scenario's default configuration (`wasmer` if it has Stylus code,
/// else `revm`); see [`run_scenario_on`].
pub fn run_scenario(scenario: &PreparedScenario) -> ScenarioReport {
    let label = if scenario.uses_stylus { crate::executors::WASMER } else { REVM };
    run_scenario_on(scenario, label, &[], false)
}

/// Runs the steps with the executors of configuration `label` (programs with a native form in
/// `natives` run on the debugger under `debugger`). The run stops at the first step whose
/// expectations fail — later steps depend on its state — and lists the rest as not run, unless
/// `keep_going`, which runs every step and shows every mismatch.
pub fn run_scenario_on(
    scenario: &PreparedScenario,
    label: &str,
    natives: &[NativeForm],
    keep_going: bool,
) -> ScenarioReport {
    let mut report = ScenarioReport::new(scenario, label);
    if let Some(reason) = &scenario.unsupported {
        report.outcome = ScenarioOutcome::Skipped(reason.clone());
        return report;
    }
    let mut world = World::default();
    crate::executors::install(&mut world, label, natives);
    for (position_in_run, step) in scenario.steps.iter().enumerate() {
        if report.outcome == ScenarioOutcome::Failed && !keep_going {
            report.not_run = scenario.steps[position_in_run..].iter().map(step_label).collect();
            break;
        }
        let mut step_report = StepReport {
            index: step.origin.index,
            id: step.id.clone(),
            kind: step.kind,
            location: position(&step.origin),
            ..StepReport::default()
        };
        crate::isolate::step_started(|| step_label(step), &step_report.location);
        if let Err(message) = run_step(&mut world, scenario, step, &mut step_report) {
            report.outcome = ScenarioOutcome::Error(format!("{}: {message}", step_report.location));
            report.steps.push(step_report);
            return report;
        }
        report.gas_used += step_report.gas_used.unwrap_or(0);
        if !step_report.mismatches.is_empty() {
            report.outcome = ScenarioOutcome::Failed;
        }
        report.steps.push(step_report);
    }
    report
}

/// How a step is named in lists: `"id" (#index)` or `#index`, and its type.
fn step_label(step: &PreparedStep) -> String {
    match &step.id {
        Some(id) => format!("{id:?} (#{}) {}", step.origin.index, step.kind),
        None => format!("#{} {}", step.origin.index, step.kind),
    }
}

/// Runs one step. `Err` means the input could not be used (reported as exit code 2).
fn run_step(
    world: &mut World,
    scenario: &PreparedScenario,
    step: &PreparedStep,
    report: &mut StepReport,
) -> Result<(), String> {
    match &step.action {
        Action::SetState(setup) => apply_set_state(world, setup)?,
        Action::Tx { kind, request, expect, activate, deployer } => {
            let commit = if *kind == TxKind::Query { Commit::No } else { Commit::Yes };
            let sender_nonce = world.state().account(&request.from).map_or(0, |a| a.nonce);
            let outcome = match deployer {
                Some(call) => crate::deployer::send(world, request, call).map_err(|e| e.to_string())?,
                None => world.execute(request, commit).unwrap_or_else(|rejected| rejected_outcome(rejected.0)),
            };
            report.status = Some(outcome.status.to_string());
            report.gas_used = Some(outcome.gas_used);
            report.ink_used = outcome.ink_used;
            report.detail = outcome.halt_reason.clone().filter(|d| !d.is_empty());
            checks::check_tx(expect, &outcome, &scenario.errors, report)?;
            if *kind == TxKind::Deploy {
                explain_address_miss(world, request.from, sender_nonce, report);
            }
            report.observed = Some(Observation::of(&outcome));
            if *activate && let Some(created) = outcome.created {
                world.activate_program(created).map_err(|e| format!("activating the deployed program: {e}"))?;
                activation::check_activation(world, created, &outcome, &expect.activation, report);
            }
        }
        Action::CheckState(check) => state_check::check_state(world, check, report)?,
        Action::DumpState(path) => {
            let text = dump::dump_state(world);
            match path {
                Some(path) => {
                    let base = step.origin.file.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
                    let target = base.join(path);
                    crate::atomic::write_atomic(&target, text.as_bytes())
                        .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
                }
                None => report.output = Some(text),
            }
        }
        Action::Activate { request, program, value, expect } => {
            let outcome = activation::activate(world, request, *value);
            report.status = Some(outcome.status.to_string());
            report.gas_used = Some(outcome.gas_used);
            checks::check_tx(expect, &outcome, &scenario.errors, report)?;
            report.observed = Some(Observation::of(&outcome));
            activation::check_activation(world, *program, &outcome, &expect.activation, report);
        }
    }
    Ok(())
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
        world.set_block(settings);
    }
    for (creator, nonce, address) in &setup.new_addresses {
        world.name_new_address(*creator, *nonce, *address);
    }
    for account in setup.accounts.iter().filter(|a| a.activate) {
        world.activate_program(account.address).map_err(|e| format!("activating {}: {e}", account.address))?;
    }
    Ok(())
}

/// `file:line:column` of a step.
pub(crate) fn position(origin: &scenario_format::Origin) -> String {
    match origin.position() {
        Some((line, column)) => format!("{}:{line}:{column}", origin.file.display()),
        None => origin.file.display().to_string(),
    }
}
