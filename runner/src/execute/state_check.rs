//! `checkState`: listed accounts and storage maps are exact unless they contain `"+": ""`.

use std::collections::BTreeSet;

use alloy_primitives::{Address, B256, U256};
use scenario_format::{Check, Hint, reconstruct};
use world_mock::{AccountState, World};

use super::activation::{RecordChecks, check_record};
use crate::prepare::StateCheck;
use crate::report::{Mismatch, StepReport};

pub(super) fn check_state(world: &World, prepared: &StateCheck, report: &mut StepReport) -> Result<(), String> {
    let state = world.state();
    let check = &prepared.check;
    let empty = AccountState::default();
    let mut listed = BTreeSet::new();
    for ((address, expect), code) in check.accounts.iter().zip(&prepared.codes) {
        listed.insert(address.value);
        let actual = state.account(&address.value).unwrap_or(&empty);
        let field = |name: &str| format!("accounts[{:?}].{name}", address.original);
        let m = &mut report.mismatches;
        if let Some(Check::Exact(balance)) = &expect.balance
            && balance.value != actual.balance
        {
            m.push(Mismatch::new(field("balance"), balance.original.clone(), actual.balance.to_string()));
        }
        if let Some(Check::Exact(nonce)) = &expect.nonce
            && *nonce != actual.nonce
        {
            m.push(Mismatch::new(field("nonce"), nonce.to_string(), actual.nonce.to_string()));
        }
        if let Some(code) = code
            && code.bytes != actual.code_bytes()
        {
            let shown = reconstruct(actual.code_bytes(), Hint::Bytes);
            m.push(Mismatch::new(
                field("code"),
                code.original.clone(),
                format!("{} bytes: {}", actual.code_bytes().len(), shorten(&shown)),
            ));
        }
        if let Some(program) = &expect.program {
            check_program(world, address.value, program, &field, m);
        }
        if let Some(storage) = &expect.storage {
            let mut expected_lines = Vec::new();
            let mut actual_lines = Vec::new();
            let mut bad = false;
            let mut keys = BTreeSet::new();
            for (key, value) in &storage.slots {
                let key_word = U256::from_be_bytes(key.value.0);
                keys.insert(key_word);
                let have = actual.storage.get(&key_word).copied().unwrap_or_default();
                // Both sides name a listed slot the way the scenario wrote it
                // (`keccak256:word:address:alice|u256:0`), so the lines line up in the diff.
                let shown_key = key.original.clone();
                let have_text = show_word(B256::from(have));
                match value {
                    Check::Any => {
                        expected_lines.push(format!("{shown_key}: *"));
                        actual_lines.push(format!("{shown_key}: *"));
                    }
                    Check::Exact(want) => {
                        expected_lines.push(format!("{shown_key}: {}", want.original));
                        if U256::from_be_bytes(want.value.0) != have {
                            bad = true;
                            actual_lines.push(format!("{shown_key}: {have_text}"));
                        } else {
                            actual_lines.push(format!("{shown_key}: {}", want.original));
                        }
                    }
                }
            }
            if !storage.open {
                for (key, value) in &actual.storage {
                    if !keys.contains(key) {
                        bad = true;
                        actual_lines.push(format!(
                            "{}: {}",
                            show_word(B256::from(*key)),
                            show_word(B256::from(*value))
                        ));
                    }
                }
            } else {
                expected_lines.push("+".into());
                actual_lines.push("+".into());
            }
            if bad {
                m.push(Mismatch::structured(field("storage"), lines(&expected_lines), lines(&actual_lines)));
            }
        }
    }
    if !check.open {
        let extra: Vec<&Address> = state
            .accounts()
            .iter()
            // Chain internals (precompiles, ArbOS state, the network fee account) need not be listed.
            .filter(|(a, acc)| !listed.contains(*a) && !acc.is_blank() && !world.is_system_account(a))
            .map(|(a, _)| a)
            .collect();
        if !extra.is_empty() {
            let names: Vec<String> = extra.iter().map(|a| reconstruct(a.as_slice(), Hint::Address)).collect();
            report.mismatches.push(Mismatch::new(
                "accounts",
                "only the listed accounts (add \"+\": \"\" to allow others)",
                format!("unlisted: {}", names.join(", ")),
            ));
        }
    }
    Ok(())
}

/// `program`: the activation record of the account's code.
fn check_program(
    world: &World,
    address: Address,
    want: &scenario_format::ProgramCheck,
    field: &dyn Fn(&str) -> String,
    m: &mut Vec<Mismatch>,
) {
    let record = world.program_at(address);
    let info = record.as_ref().map(|r| &r.info);
    if let Some(activated) = want.activated
        && activated != info.is_some()
    {
        m.push(Mismatch::new(field("program.activated"), activated.to_string(), info.is_some().to_string()));
    }
    let checks = RecordChecks {
        version: &want.version,
        footprint: &want.footprint,
        init_cost: &want.init_cost,
        cached_cost: &want.cached_cost,
        asm_estimate: &None,
        module_hash: &want.module_hash,
    };
    check_record(info, &checks, &|name| field(&format!("program.{name}")), m);
}

fn lines(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn show_word(word: B256) -> String {
    reconstruct(word.as_slice(), Hint::Word)
}

fn shorten(text: &str) -> String {
    if text.len() > 80 { format!("{}…", &text[..80]) } else { text.to_string() }
}
