//! The `activate` step and the activation figures (`dataFee`, `moduleHash`, …) it can check.

use alloy_primitives::{Address, U256};
use scenario_format::{Check, WordValue};
use world_mock::stylus::ProgramInfo;
use world_mock::{Commit, TxOutcome, TxRequest, TxStatus, World};

use super::rejected_outcome;
use crate::report::{Mismatch, StepReport};
use scenario_format::ActivationExpect;

/// Sends `activateProgram(program)` to ArbWasm. Without a `value`, the data fee is found first
/// by a dry run, as `cargo stylus` does with `eth_call`, and sent as the value.
pub(super) fn activate(world: &mut World, request: &TxRequest, value: Option<U256>) -> TxOutcome {
    let value = value.unwrap_or_else(|| {
        let balance = world.state().account(&request.from).map_or(U256::ZERO, |a| a.balance);
        let probe = TxRequest { value: balance, ..request.clone() };
        match world.execute(&probe, Commit::No) {
            Ok(outcome) if outcome.status == TxStatus::Success => data_fee(&outcome.output).unwrap_or_default(),
            _ => U256::ZERO,
        }
    });
    let request = TxRequest { value, ..request.clone() };
    world.execute(&request, Commit::Yes).unwrap_or_else(|rejected| rejected_outcome(rejected.0))
}

/// The `dataFee` word of `activateProgram`'s `(uint16 version, uint256 dataFee)` return data.
fn data_fee(output: &[u8]) -> Option<U256> {
    (output.len() == 64).then(|| U256::from_be_slice(&output[32..64]))
}

/// Compares the program's record (and the returned fee) with the expected figures.
pub(super) fn check_activation(
    world: &World,
    program: Address,
    outcome: &TxOutcome,
    expect: &ActivationExpect,
    report: &mut StepReport,
) {
    let record = world.program_at(program);
    let checks = RecordChecks {
        version: &expect.version,
        footprint: &expect.footprint,
        init_cost: &expect.init_cost,
        cached_cost: &expect.cached_cost,
        asm_estimate: &expect.asm_estimate,
        module_hash: &expect.module_hash,
    };
    check_record(record.as_ref().map(|r| &r.info), &checks, &|name| name.to_string(), &mut report.mismatches);
    if let Some(Check::Exact(want)) = &expect.data_fee {
        let have = data_fee(&outcome.output);
        if have != Some(want.value) {
            let have = have.map_or("no fee returned".into(), |f| f.to_string());
            report.mismatches.push(Mismatch::new("dataFee", want.original.clone(), have));
        }
    }
}

/// The record figures a step checks (`activate` expectations, `checkState … program`).
pub(super) struct RecordChecks<'a> {
    pub(super) version: &'a Option<Check<u64>>,
    pub(super) footprint: &'a Option<Check<u64>>,
    pub(super) init_cost: &'a Option<Check<u64>>,
    pub(super) cached_cost: &'a Option<Check<u64>>,
    pub(super) asm_estimate: &'a Option<Check<u64>>,
    pub(super) module_hash: &'a Option<Check<WordValue>>,
}

/// Compares a program record with `checks`; `field` names each field in messages.
pub(super) fn check_record(
    info: Option<&ProgramInfo>,
    checks: &RecordChecks<'_>,
    field: &dyn Fn(&str) -> String,
    m: &mut Vec<Mismatch>,
) {
    let mut number = |name: &str, want: &Option<Check<u64>>, have: Option<u64>| {
        if let Some(Check::Exact(want)) = want
            && have != Some(*want)
        {
            m.push(Mismatch::new(
                field(name),
                want.to_string(),
                have.map_or("not activated".into(), |h| h.to_string()),
            ));
        }
    };
    number("version", checks.version, info.map(|i| u64::from(i.version)));
    number("footprint", checks.footprint, info.map(|i| u64::from(i.footprint)));
    number("initCost", checks.init_cost, info.map(|i| u64::from(i.init_cost)));
    number("cachedCost", checks.cached_cost, info.map(|i| u64::from(i.cached_cost)));
    number("asmEstimate", checks.asm_estimate, info.map(|i| u64::from(i.asm_estimate)));
    if let Some(Check::Exact(want)) = checks.module_hash
        && info.map(|i| i.module_hash) != Some(want.value)
    {
        let have = info.map_or("not activated".to_string(), |i| i.module_hash.to_string());
        m.push(Mismatch::new(field("moduleHash"), want.original.clone(), have));
    }
}
