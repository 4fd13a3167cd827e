//! The `activate` step and the activation figures (`dataFee`, `moduleHash`, …) it can check.

use alloy_primitives::{Address, B256, U256};
use scenario_format::Check;
use world_mock::{Commit, TxOutcome, TxRequest, TxStatus, World};

use super::rejected_outcome;
use scenario_format::ActivationExpect;
use crate::report::{Mismatch, StepReport};

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
pub(super) fn check_activation(world: &World, program: Address, outcome: &TxOutcome, expect: &ActivationExpect, report: &mut StepReport) {
    let record = world.program_at(program);
    let m = &mut report.mismatches;
    let mut number = |field: &str, want: &Option<Check<u64>>, have: Option<u64>| {
        if let Some(Check::Exact(want)) = want
            && have != Some(*want)
        {
            m.push(Mismatch::new(field, want.to_string(), have.map_or("not activated".to_string(), |h| h.to_string())));
        }
    };
    let info = record.as_ref().map(|r| &r.info);
    number("version", &expect.version, info.map(|i| u64::from(i.version)));
    number("footprint", &expect.footprint, info.map(|i| u64::from(i.footprint)));
    number("initCost", &expect.init_cost, info.map(|i| u64::from(i.init_cost)));
    number("cachedCost", &expect.cached_cost, info.map(|i| u64::from(i.cached_cost)));
    number("asmEstimate", &expect.asm_estimate, info.map(|i| u64::from(i.asm_estimate)));
    if let Some(Check::Exact(want)) = &expect.module_hash {
        let have = info.map(|i| i.module_hash);
        if have != Some(want.value) {
            m.push(Mismatch::new("moduleHash", want.original.clone(), have.map_or("not activated".into(), |h: B256| h.to_string())));
        }
    }
    if let Some(Check::Exact(want)) = &expect.data_fee {
        let have = data_fee(&outcome.output);
        if have != Some(want.value) {
            m.push(Mismatch::new("dataFee", want.original.clone(), have.map_or("no fee returned".into(), |f| f.to_string())));
        }
    }
}
