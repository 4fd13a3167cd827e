//! Checking a transaction's outcome against its expectations; every mismatch is collected.

use alloy_dyn_abi::{DynSolType, DynSolValue};
use alloy_primitives::{Address, Log, hex};
use scenario_format::{AddressValue, Check, Hint, reconstruct};
use world_mock::{TxOutcome, TxStatus};

use std::sync::Arc;

use crate::abi::{
    Signature, check_event, decode_custom, describe, error_message, expect_matches, raw_below, render, render_expect,
};
use crate::prepare::{ErrorCheck, Expectations, LogCheck, LogsCheck, OutCheck};
use crate::report::{Mismatch, StepReport};

/// Custom errors a scenario knows (from its artifacts' ABIs, contracts' sources and its own
/// expectations), to decode revert data with.
pub(super) type KnownErrors<'a> = &'a [Arc<Signature>];

pub(super) fn check_tx(
    expect: &Expectations,
    outcome: &TxOutcome,
    known: KnownErrors<'_>,
    report: &mut StepReport,
) -> Result<(), String> {
    let m = &mut report.mismatches;
    if let Some(Check::Exact(status)) = &expect.status
        && status.as_str() != outcome.status.as_str()
    {
        let mut actual = outcome.status.to_string();
        let mut raw = None;
        if outcome.status == TxStatus::Revert {
            let described = revert_text(&outcome.output, known);
            raw = raw_below(&outcome.output, &described);
            actual.push_str(&format!(" ({described})"));
        }
        if let Some(reason) = outcome.halt_reason.as_ref().filter(|r| !r.is_empty()) {
            actual.push_str(&format!(" ({})", reason.lines().next().unwrap_or_default()));
        }
        m.push(Mismatch::new("status", status.as_str(), actual).with_raw(raw));
    }
    if let Some(out) = &expect.out {
        check_out(out, outcome, known, m)?;
    }
    if let Some(error) = &expect.error {
        check_error(error, outcome, known, m)?;
    }
    if let Some(logs) = &expect.logs {
        check_logs(logs, &outcome.logs, m)?;
    }
    if let Some(Check::Exact(address)) = &expect.address {
        let actual =
            outcome.created.map_or("no contract created".to_string(), |a| reconstruct(a.as_slice(), Hint::Address));
        if outcome.created != Some(address.value) {
            m.push(Mismatch::new("address", address.original.clone(), actual));
        }
    }
    if let Some(Check::Exact(cmp)) = &expect.gas_used {
        if outcome.unmetered {
            report.notes.push(format!("gasUsed {cmp}: unchecked, not metered (a native frame ran)"));
        } else if !cmp.accepts(outcome.gas_used) {
            m.push(Mismatch::new("gasUsed", cmp.to_string(), outcome.gas_used.to_string()));
        }
    }
    if let Some(Check::Exact(cmp)) = &expect.ink {
        match outcome.ink_used {
            Some(ink) if !cmp.accepts(ink) => m.push(Mismatch::new("ink", cmp.to_string(), ink.to_string())),
            Some(_) => {}
            None => report.notes.push(format!("ink {}: unchecked, not metered", cmp)),
        }
    }
    Ok(())
}

fn check_out(out: &OutCheck, outcome: &TxOutcome, known: KnownErrors<'_>, m: &mut Vec<Mismatch>) -> Result<(), String> {
    let data = &outcome.output;
    if let OutCheck::Typed { words: Some(words), .. } = out
        && words.match_data(data)
    {
        return Ok(());
    }
    if outcome.status == TxStatus::Revert && !out_matches(out, data)? {
        // The output is revert data: say what it decodes to.
        let described = revert_text(data, known);
        let expected = match out {
            OutCheck::Raw(raw) => raw.original.clone(),
            OutCheck::Typed { values, .. } => {
                format!("[{}]", values.iter().map(render_expect).collect::<Vec<_>>().join(", "))
            }
        };
        let raw = raw_below(data, &described);
        m.push(Mismatch::new("out", expected, format!("revert data {described}")).with_raw(raw));
        return Ok(());
    }
    match out {
        OutCheck::Raw(raw) => {
            if *raw.value != *data {
                let actual = if data.is_empty() { "empty".to_string() } else { render_raw(data) };
                m.push(Mismatch::new("out", raw.original.clone(), actual));
            }
        }
        OutCheck::Typed { types, values, .. } => {
            let decoded = match DynSolType::Tuple(types.to_vec()).abi_decode_params(data) {
                Ok(DynSolValue::Tuple(values)) => values,
                _ => {
                    let wanted: Vec<_> = types.iter().map(|t| t.sol_type_name()).collect();
                    let actual = format!(
                        "{} ({} bytes, not ABI data of ({}))",
                        reconstruct(data, Hint::Bytes),
                        data.len(),
                        wanted.join(",")
                    );
                    let expected = values.iter().map(render_expect).collect::<Vec<_>>().join(", ");
                    m.push(Mismatch::new("out", format!("[{expected}]"), actual));
                    return Ok(());
                }
            };
            for (i, ((want, got), ty)) in values.iter().zip(&decoded).zip(types.iter()).enumerate() {
                if !expect_matches(want, got, ty)? {
                    m.push(Mismatch::new(format!("out[{i}]"), render_expect(want), render(got)));
                }
            }
        }
    }
    Ok(())
}

/// Whether `data` satisfies `out` (no mismatch would be recorded).
fn out_matches(out: &OutCheck, data: &[u8]) -> Result<bool, String> {
    Ok(match out {
        OutCheck::Raw(raw) => *raw.value == *data,
        OutCheck::Typed { types, values, .. } => match DynSolType::Tuple(types.to_vec()).abi_decode_params(data) {
            Ok(DynSolValue::Tuple(decoded)) => {
                for ((want, got), ty) in values.iter().zip(&decoded).zip(types.iter()) {
                    if !expect_matches(want, got, ty)? {
                        return Ok(false);
                    }
                }
                true
            }
            _ => false,
        },
    })
}

/// Revert data decoded (or `empty revert data`).
fn revert_text(data: &[u8], known: KnownErrors<'_>) -> String {
    if data.is_empty() { "empty revert data".to_string() } else { describe(data, known) }
}

/// Raw return data: one 32-byte word reads best as `u256:N`; anything else as guessed.
fn render_raw(data: &[u8]) -> String {
    if data.len() == 32 {
        return format!("u256:{}", alloy_primitives::U256::from_be_slice(data));
    }
    reconstruct(data, Hint::Auto)
}

fn check_error(
    error: &ErrorCheck,
    outcome: &TxOutcome,
    known: KnownErrors<'_>,
    m: &mut Vec<Mismatch>,
) -> Result<(), String> {
    let data = &outcome.output;
    let actual = || {
        let text = actual_error(outcome, known);
        let raw = (outcome.status == TxStatus::Revert).then(|| raw_below(data, &text)).flatten();
        (text, raw)
    };
    match error {
        ErrorCheck::Message(message) => {
            if error_message(data).as_deref() != Some(message.as_str()) || outcome.status != TxStatus::Revert {
                let (text, raw) = actual();
                m.push(Mismatch::new("error", format!("Error({message:?})"), text).with_raw(raw));
            }
        }
        ErrorCheck::Custom { sig, args } => match decode_custom(data, sig) {
            Some(values) if outcome.status == TxStatus::Revert => {
                for (i, ((want, got), ty)) in args.iter().zip(&values).zip(&sig.params).enumerate() {
                    if !expect_matches(want, got, ty)? {
                        m.push(Mismatch::new(format!("error.args[{i}]"), render_expect(want), render(got)));
                    }
                }
            }
            _ => {
                let expected =
                    format!("{}({})", sig.name, args.iter().map(render_expect).collect::<Vec<_>>().join(", "));
                let (text, raw) = actual();
                m.push(Mismatch::new("error", expected, text).with_raw(raw));
            }
        },
    }
    Ok(())
}

fn actual_error(outcome: &TxOutcome, known: KnownErrors<'_>) -> String {
    match outcome.status {
        TxStatus::Revert => revert_text(&outcome.output, known),
        other => format!("{other} (no revert)"),
    }
}

fn check_logs(expect: &LogsCheck, logs: &[Log], m: &mut Vec<Mismatch>) -> Result<(), String> {
    let count_ok =
        if expect.more_allowed { logs.len() >= expect.entries.len() } else { logs.len() == expect.entries.len() };
    let mut diffs = Vec::new();
    for (i, (want, got)) in expect.entries.iter().zip(logs).enumerate() {
        for (field, expected, actual) in check_log(want, got)? {
            diffs.push(Mismatch::new(format!("logs[{i}].{field}"), expected, actual));
        }
    }
    if !count_ok || !diffs.is_empty() {
        let expected: Vec<String> =
            expect.entries.iter().map(render_log_check).chain(expect.more_allowed.then(|| "+".to_string())).collect();
        let actual: Vec<String> = logs.iter().map(|log| render_log(log, &expect.entries)).collect();
        if !count_ok {
            m.push(Mismatch::new(
                "logs.length",
                if expect.more_allowed {
                    format!(">={}", expect.entries.len())
                } else {
                    expect.entries.len().to_string()
                },
                logs.len().to_string(),
            ));
        }
        m.extend(diffs);
        m.push(Mismatch::structured("logs", expected.join("\n") + "\n", actual.join("\n") + "\n"));
    }
    Ok(())
}

fn check_log(want: &LogCheck, got: &Log) -> Result<Vec<(String, String, String)>, String> {
    let mut diffs = Vec::new();
    let address_check = |address: &Check<AddressValue>, diffs: &mut Vec<(String, String, String)>| {
        if let Check::Exact(a) = address
            && a.value != got.address
        {
            diffs.push(("address".to_string(), a.original.clone(), show_address(got.address)));
        }
    };
    match want {
        LogCheck::Raw { address, topics, data } => {
            address_check(address, &mut diffs);
            if let Some(topics) = topics {
                if topics.len() != got.topics().len() {
                    diffs.push(("topics.length".into(), topics.len().to_string(), got.topics().len().to_string()));
                } else {
                    for (i, (t, g)) in topics.iter().zip(got.topics()).enumerate() {
                        if let Check::Exact(t) = t
                            && t.value != *g
                        {
                            diffs.push((
                                format!("topics[{i}]"),
                                t.original.clone(),
                                reconstruct(g.as_slice(), Hint::Word),
                            ));
                        }
                    }
                }
            }
            if let Some(Check::Exact(data)) = data
                && *data.value != *got.data.data
            {
                diffs.push(("data".into(), data.original.clone(), reconstruct(&got.data.data, Hint::Auto)));
            }
        }
        LogCheck::Event { address, sig, args, words } => {
            address_check(address, &mut diffs);
            if !words.as_ref().is_some_and(|w| w.matches(sig, got.topics(), &got.data.data)) {
                diffs.extend(check_event(sig, args, got)?);
            }
        }
    }
    Ok(diffs)
}

fn show_address(address: Address) -> String {
    reconstruct(address.as_slice(), Hint::Address)
}

fn render_log_check(check: &LogCheck) -> String {
    let address = |a: &Check<AddressValue>| a.exact().map_or("*".to_string(), |a| a.original.clone());
    match check {
        LogCheck::Raw { address: a, topics, data } => {
            let topics = topics.as_ref().map_or("*".to_string(), |t| {
                t.iter()
                    .map(|t| t.exact().map_or("*".to_string(), |t| t.original.clone()))
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            let data =
                data.as_ref().map_or("*".to_string(), |d| d.exact().map_or("*".to_string(), |d| d.original.clone()));
            format!("{} topics [{topics}] data {data}", address(a))
        }
        LogCheck::Event { address: a, sig, args, .. } => {
            format!("{} {}({})", address(a), sig.name, args.iter().map(render_expect).collect::<Vec<_>>().join(", "))
        }
    }
}

/// Renders an actual log, decoded by any expected event signature that matches it.
fn render_log(log: &Log, wanted: &[LogCheck]) -> String {
    for want in wanted {
        if let LogCheck::Event { sig, .. } = want
            && let Some(args) = crate::abi::decode_event(sig, log)
        {
            return format!("{} {}({})", show_address(log.address), sig.name, args.join(", "));
        }
    }
    let topics: Vec<String> = log.topics().iter().map(|t| format!("0x{}", hex::encode(t))).collect();
    format!(
        "{} topics [{}] data {}",
        show_address(log.address),
        topics.join(", "),
        reconstruct(&log.data.data, Hint::Bytes)
    )
}
