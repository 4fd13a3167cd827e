//! Events: matching an actual log against `{address, event, args}`.

use super::AbiError;
use alloy_dyn_abi::{DynSolType, DynSolValue};
use alloy_primitives::{B256, Log, keccak256};
use scenario_format::{AbiExpect, Check};

use super::convert::{expect_matches, render_expect};
use super::render::render;
use super::signature::Signature;

/// Compares a log with an event expectation. Returns the failing parts as
/// `(field, expected, actual)`; `Err` for expectations that cannot fit the signature.
pub fn check_event(
    sig: &Signature,
    args: &[Check<AbiExpect>],
    log: &Log,
) -> Result<Vec<(String, String, String)>, AbiError> {
    check_event_text(sig, args, log).map_err(AbiError)
}
fn check_event_text(
    sig: &Signature,
    args: &[Check<AbiExpect>],
    log: &Log,
) -> Result<Vec<(String, String, String)>, String> {
    if args.len() != sig.params.len() {
        return Err(format!("`{}` has {} parameters, got {} args", sig.canonical(), sig.params.len(), args.len()));
    }
    let mut diffs = Vec::new();
    let topics = log.topics();
    let indexed_count = sig.indexed.iter().filter(|i| **i).count();
    if topics.first() != Some(&sig.topic()) {
        let actual = match topics.first() {
            None => "an anonymous log (no topics)".to_string(),
            Some(topic0) => format!("another event: topic0 {topic0} (`{}` hashes to {})", sig.canonical(), sig.topic()),
        };
        diffs.push(("event".to_string(), sig.canonical(), actual));
        return Ok(diffs);
    }
    if topics.len() != 1 + indexed_count {
        // Same event name and types, different `indexed` markers: say which way they differ.
        let expected = format!("{} topics (topic0 and {indexed_count} `indexed` parameters)", 1 + indexed_count);
        let actual = format!(
            "{} topics: the contract's event has {} indexed parameters; change the `indexed` markers in `event`",
            topics.len(),
            topics.len() - 1
        );
        diffs.push(("topics.length".to_string(), expected, actual));
        return Ok(diffs);
    }
    let data_types: Vec<DynSolType> =
        sig.params.iter().zip(&sig.indexed).filter(|(_, i)| !**i).map(|(t, _)| t.clone()).collect();
    let decoded = match DynSolType::Tuple(data_types).abi_decode_params(&log.data.data) {
        Ok(DynSolValue::Tuple(values)) => values,
        _ => {
            diffs.push((
                "data".to_string(),
                "ABI data of the non-indexed args".to_string(),
                format!("{}", log.data.data),
            ));
            return Ok(diffs);
        }
    };
    let (mut topic_i, mut data_i) = (1, 0);
    for (i, ((arg, ty), indexed)) in args.iter().zip(&sig.params).zip(&sig.indexed).enumerate() {
        let field = || format!("args[{i}]");
        if *indexed {
            let topic = topics[topic_i];
            topic_i += 1;
            if let Some(actual) = check_topic(arg, ty, topic)? {
                diffs.push((field(), render_expect(arg), actual));
            }
        } else {
            let value = &decoded[data_i];
            data_i += 1;
            if !expect_matches(arg, value, ty)? {
                diffs.push((field(), render_expect(arg), render(value)));
            }
        }
    }
    Ok(diffs)
}

/// Checks one indexed argument: value types are decoded from the topic; dynamic types are
/// compared by hash (their value is not recoverable). `Some(actual)`: it differs.
fn check_topic(arg: &Check<AbiExpect>, ty: &DynSolType, topic: B256) -> Result<Option<String>, String> {
    let Check::Exact(expect) = arg else {
        return Ok(None);
    };
    match ty {
        DynSolType::String | DynSolType::Bytes => {
            let AbiExpect::Leaf(leaf) = expect else {
                return Err(format!("expected one expression for `{}`", ty.sol_type_name()));
            };
            Ok((keccak256(&leaf.value) != topic).then(|| format!("hash {topic}")))
        }
        DynSolType::Array(_) | DynSolType::FixedArray(..) | DynSolType::Tuple(_) => {
            Err(format!("indexed `{}` arguments cannot be checked; use \"*\"", ty.sol_type_name()))
        }
        _ => {
            let value = ty.abi_decode(topic.as_slice()).map_err(|e| e.to_string())?;
            Ok((!expect_matches(arg, &value, ty)?).then(|| render(&value)))
        }
    }
}

/// Decodes a log by `sig` into rendered arguments (hashes for indexed dynamic values).
pub fn decode_event(sig: &Signature, log: &Log) -> Option<Vec<String>> {
    let topics = log.topics();
    let indexed_count = sig.indexed.iter().filter(|i| **i).count();
    if topics.first() != Some(&sig.topic()) || topics.len() != 1 + indexed_count {
        return None;
    }
    let data_types: Vec<DynSolType> =
        sig.params.iter().zip(&sig.indexed).filter(|(_, i)| !**i).map(|(t, _)| t.clone()).collect();
    let Ok(DynSolValue::Tuple(decoded)) = DynSolType::Tuple(data_types).abi_decode_params(&log.data.data) else {
        return None;
    };
    let (mut topic_i, mut data_i) = (1, 0);
    let mut out = Vec::with_capacity(sig.params.len());
    for (ty, indexed) in sig.params.iter().zip(&sig.indexed) {
        if *indexed {
            let topic = topics[topic_i];
            topic_i += 1;
            out.push(match ty {
                DynSolType::String
                | DynSolType::Bytes
                | DynSolType::Array(_)
                | DynSolType::FixedArray(..)
                | DynSolType::Tuple(_) => {
                    format!("hash {topic}")
                }
                _ => ty.abi_decode(topic.as_slice()).map_or_else(|_| format!("{topic}"), |v| render(&v)),
            });
        } else {
            out.push(render(&decoded[data_i]));
            data_i += 1;
        }
    }
    Some(out)
}
