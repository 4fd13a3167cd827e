//! Diagnosis of a failing case, like revme's re-run of its first failure: the case is run again
//! through the world for its before/after account diff, and once more on a plain revm EVM over a
//! copy of the pre-state with a small step tracer (diagnosis only; the checked run uses the world).

use std::fmt::Write as _;

use world_mock::revm::bytecode::opcode::OpCode;
use world_mock::revm::context_interface::{ContextTr, JournalTr};
use world_mock::revm::interpreter::Interpreter;
use world_mock::revm::interpreter::interpreter::EthInterpreter;
use world_mock::revm::interpreter::interpreter_types::Jumps;
use world_mock::revm::{Context, InspectEvm, Inspector, MainBuilder, MainContext};
use world_mock::{StateDiff, TxOutcome};

use crate::case::{self, CaseEnv};
use crate::check;
use crate::fork::{self, ForkPlan};
use crate::model::{PostCase, TestUnit};

/// Records `depth pc op gas stack-top` for each executed instruction, up to a limit.
#[derive(Debug, Default)]
struct StepTracer {
    lines: Vec<String>,
    steps: usize,
    limit: usize,
}

impl<CTX: ContextTr> Inspector<CTX, EthInterpreter> for StepTracer {
    fn step(&mut self, interp: &mut Interpreter<EthInterpreter>, context: &mut CTX) {
        self.steps += 1;
        if self.lines.len() >= self.limit {
            return;
        }
        let op = interp.bytecode.opcode();
        let name = OpCode::new(op).map_or_else(|| format!("0x{op:02x}"), |o| o.as_str().to_string());
        let top = interp.stack.data().last().map_or_else(|| "-".into(), |v| format!("{v:#x}"));
        let depth = context.journal_mut().depth();
        self.lines.push(format!(
            "  {depth:>3} {:>6} {name:<14} gas={:<10} stack={} top={top}",
            interp.bytecode.pc(),
            interp.gas.remaining(),
            interp.stack.len()
        ));
    }
}

/// Re-runs the case at `post_index` of `fork` in test `name` of `unit` and describes it.
pub(crate) fn diagnose(unit: &TestUnit, name: &str, fork: &str, post: &PostCase, trace_limit: usize) -> String {
    let mut out = String::new();
    let i = post.indexes;
    let _ = writeln!(out, "test {name}, fork {fork}, indexes d={} g={} v={}", i.data, i.gas, i.value);
    let ForkPlan::Run(spec) = fork::plan(fork) else {
        return out;
    };
    let env = match case::case_env(unit, spec, i) {
        Ok(env) => env,
        Err(message) => {
            let _ = writeln!(out, "the transaction cannot be built: {message}");
            return out;
        }
    };
    let executed = case::execute(unit, &env);
    let _ = writeln!(out, "spec {spec:?}; expected exception: {}", post.expect_exception.as_deref().unwrap_or("none"));
    match &executed.result {
        Ok(outcome) => describe_outcome(&mut out, outcome),
        Err(rejected) => {
            let _ = writeln!(out, "world result: rejected: {}", rejected.0);
        }
    }
    for mismatch in check::mismatches(unit, post, &executed) {
        let _ = writeln!(out, "mismatch: {mismatch}");
    }
    let _ = writeln!(out, "transaction: {:?}", env.tx);
    let _ = writeln!(out, "block: {:?}", env.block);
    step_trace(&mut out, unit, &env, trace_limit);
    out
}

fn describe_outcome(out: &mut String, outcome: &TxOutcome) {
    let _ = writeln!(
        out,
        "world result: {}{} gas_used={} logs={} output=0x{}",
        outcome.status,
        outcome.halt_reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default(),
        outcome.gas_used,
        outcome.logs.len(),
        world_mock::revm::primitives::hex::encode(&outcome.output)
    );
    describe_diff(out, &outcome.diff);
}

/// Before → after for every account the transaction changed.
fn describe_diff(out: &mut String, diff: &StateDiff) {
    let _ = writeln!(out, "account changes (before -> after):");
    if diff.accounts.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    for (address, account) in &diff.accounts {
        let _ = writeln!(out, "  {address}{}", if account.removed { " (removed)" } else { "" });
        if let Some(c) = account.balance {
            let _ = writeln!(out, "    balance {} -> {}", c.before, c.after);
        }
        if let Some(c) = account.nonce {
            let _ = writeln!(out, "    nonce {} -> {}", c.before, c.after);
        }
        if let Some(c) = account.code_hash {
            let _ = writeln!(out, "    code_hash {} -> {}", c.before, c.after);
        }
        for (slot, c) in &account.storage {
            let _ = writeln!(out, "    storage[{slot:#x}] {:#x} -> {:#x}", c.before, c.after);
        }
    }
}

/// The step trace of the transaction on plain revm over a copy of the pre-state.
fn step_trace(out: &mut String, unit: &TestUnit, env: &CaseEnv, limit: usize) {
    let pre = case::prepared_world(unit, env).state().clone();
    let tracer = StepTracer { limit, ..StepTracer::default() };
    let mut evm = Context::mainnet()
        .with_db(pre)
        .with_cfg(env.cfg.clone())
        .with_block(env.block.clone())
        .build_mainnet_with_inspector(tracer);
    let result = evm.inspect_tx(env.tx.clone());
    let tracer = &evm.inspector;
    let _ = writeln!(out, "step trace on plain revm ({} steps, depth pc op gas stack):", tracer.steps);
    for line in &tracer.lines {
        let _ = writeln!(out, "{line}");
    }
    if tracer.steps > tracer.lines.len() {
        let _ = writeln!(out, "  … {} more steps", tracer.steps - tracer.lines.len());
    }
    match result {
        Ok(result) => {
            let _ = writeln!(out, "plain revm result: {:?}", result.result);
        }
        Err(e) => {
            let _ = writeln!(out, "plain revm result: rejected: {e}");
        }
    }
}
