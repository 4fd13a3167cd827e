//! Call trees of traced transactions, as the report shows them: each frame's kind (EVM, Stylus
//! and its executor, precompile), target, decoded call (from the signatures the scenario
//! knows; the raw selector otherwise), value, gas and ink, status, and decoded output or revert
//! data; with `--trace hostio`, each hostio call of Stylus frames.

use std::fmt::Write;
use std::sync::Arc;

use alloy_dyn_abi::DynSolValue;
use alloy_primitives::{Address, hex};
use scenario_format::{Hint, reconstruct};
use serde::Serialize;
use world_mock::{CallTrace, FrameKind, TraceFrame};

use crate::abi::{Signature, describe, render};

/// One frame of a call tree, with its nested frames.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceNode {
    /// `evm`, `stylus` or `precompile`.
    pub kind: &'static str,
    /// The Stylus executor (`wasmer`, `debugger`) or the precompile's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runner: Option<&'static str>,
    /// `call`, `staticcall`, `delegatecall`, `callcode`, `create`, `create2`.
    pub scheme: &'static str,
    /// `msg.sender`, as `address:NAME` where the address is a name.
    pub caller: String,
    /// The account the frame acted for (the created address for a create).
    pub target: String,
    /// The call decoded (`transfer(address:bob, 5)`), or its selector and length.
    pub call: String,
    /// Value moved, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Gas given to the frame.
    pub gas_limit: u64,
    /// Gas the frame used.
    pub gas_used: u64,
    /// Stylus frames: ink at entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ink_limit: Option<u64>,
    /// Stylus frames: ink used, nested calls included (metered executors only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ink: Option<u64>,
    /// Stylus frames: ink of the frame's own work.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_ink: Option<u64>,
    /// How it ended.
    pub status: String,
    /// Output or revert data, decoded.
    pub output: String,
    /// Why it did not succeed (trap, panic message), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Hostio calls (`--trace hostio`), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hostios: Vec<HostioNode>,
    /// Nested frames, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<TraceNode>,
}

/// One hostio call, in nitro's `stylusTracer` shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HostioNode {
    /// The hostio.
    pub name: &'static str,
    /// Bytes it read from the program (hex).
    pub args: String,
    /// Bytes it wrote to the program, then its result (hex).
    pub outs: String,
    /// Ink before.
    pub start_ink: u64,
    /// Ink after.
    pub end_ink: u64,
}

/// Signatures a trace decodes with: functions (by selector) and errors.
#[derive(Clone, Copy, Debug)]
pub struct Decoder<'a> {
    /// Functions the scenario knows (call steps, ABIs).
    pub functions: &'a [Arc<Signature>],
    /// Custom errors the scenario knows.
    pub errors: &'a [Arc<Signature>],
}

/// The tree of a transaction's frames (its top frame and everything under it).
pub fn tree(trace: &CallTrace, decoder: Decoder<'_>) -> Option<TraceNode> {
    let (root, _) = trace.children(None).next()?;
    Some(node(trace, root, decoder))
}

fn node(trace: &CallTrace, index: usize, decoder: Decoder<'_>) -> TraceNode {
    let frame = &trace.frames[index];
    let (kind, runner) = match &frame.kind {
        FrameKind::Evm => ("evm", None),
        FrameKind::Stylus { executor } => ("stylus", Some(*executor)),
        FrameKind::Precompile { name } => ("precompile", Some(*name)),
    };
    let function = function_of(frame, decoder.functions);
    TraceNode {
        kind,
        runner,
        scheme: frame.scheme.as_str(),
        caller: show_address(frame.caller),
        target: show_address(frame.target),
        call: call_text(frame, function.as_deref()),
        value: (!frame.value.is_zero()).then(|| frame.value.to_string()),
        gas_limit: frame.gas_limit,
        gas_used: frame.gas_used,
        ink_limit: frame.ink_limit,
        ink: frame.ink,
        self_ink: frame.self_ink,
        status: frame.status.clone(),
        output: output_text(frame, function.as_deref(), decoder.errors),
        detail: frame.detail.clone(),
        hostios: frame
            .hostios
            .iter()
            .map(|h| HostioNode {
                name: h.name,
                args: format!("0x{}", hex::encode(&h.args)),
                outs: format!("0x{}", hex::encode(&h.outs)),
                start_ink: h.start_ink,
                end_ink: h.end_ink,
            })
            .collect(),
        calls: trace.children(Some(index)).map(|(child, _)| node(trace, child, decoder)).collect(),
    }
}

pub(crate) fn show_address(address: Address) -> String {
    reconstruct(address.as_slice(), Hint::Address)
}

pub(crate) fn function_of(frame: &TraceFrame, functions: &[Arc<Signature>]) -> Option<Arc<Signature>> {
    let selector: [u8; 4] = frame.input.get(..4)?.try_into().ok()?;
    functions.iter().find(|f| f.selector() == selector).cloned()
}

fn call_text(frame: &TraceFrame, function: Option<&Signature>) -> String {
    if matches!(frame.scheme, world_mock::FrameScheme::Create | world_mock::FrameScheme::Create2) {
        return format!("create ({} bytes of init code)", frame.input.len());
    }
    if let Some(sig) = function
        && let Ok(DynSolValue::Tuple(args)) = sig.params_tuple().abi_decode_params(&frame.input[4..])
    {
        return format!("{}({})", sig.name, args.iter().map(render).collect::<Vec<_>>().join(", "));
    }
    match frame.input.len() {
        0 => "(no calldata)".to_string(),
        1..=3 => format!("0x{}", hex::encode(&frame.input)),
        len => format!("0x{} ({len} bytes)", hex::encode(&frame.input[..4])),
    }
}

fn output_text(frame: &TraceFrame, function: Option<&Signature>, errors: &[Arc<Signature>]) -> String {
    let data = &frame.output;
    if frame.status == "revert" {
        return if data.is_empty() { "empty revert data".to_string() } else { describe(data, errors) };
    }
    if data.is_empty() {
        return "empty".to_string();
    }
    if let Some(types) = function.and_then(|f| f.returns.as_deref())
        && let Ok(DynSolValue::Tuple(values)) = alloy_dyn_abi::DynSolType::Tuple(types.to_vec()).abi_decode_params(data)
    {
        return values.iter().map(render).collect::<Vec<_>>().join(", ");
    }
    if data.len() > 64 {
        return format!("0x{}… ({} bytes)", hex::encode(&data[..32]), data.len());
    }
    format!("0x{}", hex::encode(data))
}

/// The tree as indented text lines for the human report.
pub fn render_tree(node: &TraceNode, indent: usize) -> String {
    let mut out = String::new();
    render_node(&mut out, node, &" ".repeat(indent), "", true, true);
    out
}

fn render_node(out: &mut String, node: &TraceNode, base: &str, prefix: &str, last: bool, root: bool) {
    let branch = if root {
        ""
    } else if last {
        "└─ "
    } else {
        "├─ "
    };
    let what = match (node.kind, node.runner) {
        ("stylus", Some(executor)) => format!("stylus {executor}"),
        ("precompile", Some(name)) => format!("precompile {name}"),
        (kind, _) => kind.to_string(),
    };
    let mut line = format!("{} {} {} [{what}]", node.scheme, node.target, node.call);
    if let Some(value) = &node.value {
        let _ = write!(line, " value {value}");
    }
    let _ = write!(line, " gas {}", node.gas_used);
    if let Some(ink) = node.ink {
        let _ = write!(line, " ink {ink}");
    }
    let _ = write!(line, " → {}", node.status);
    if node.output != "empty" && matches!(node.status.as_str(), "success" | "revert") {
        let _ = write!(line, ": {}", node.output);
    }
    let _ = writeln!(out, "{base}{prefix}{branch}{line}");
    let child_prefix =
        if root { prefix.to_string() } else { format!("{prefix}{}", if last { "   " } else { "│  " }) };
    if let Some(detail) = &node.detail
        && node.status != "success"
    {
        let first = detail.lines().next().unwrap_or_default();
        let _ = writeln!(out, "{base}{child_prefix}   ({first})");
    }
    // Nested frames appear after the hostio that made them (a call or create).
    let count = node.hostios.len() + node.calls.len();
    let mut calls = node.calls.iter();
    let mut seen = 0;
    let mut next_is_last = || {
        seen += 1;
        seen == count
    };
    for hostio in &node.hostios {
        let branch = if next_is_last() { "└─ " } else { "├─ " };
        let spent = hostio.start_ink.saturating_sub(hostio.end_ink);
        let _ = writeln!(
            out,
            "{base}{child_prefix}{branch}hostio {} args {} outs {} ink {} → {} ({spent})",
            hostio.name, hostio.args, hostio.outs, hostio.start_ink, hostio.end_ink
        );
        if matches!(
            hostio.name,
            "call_contract" | "delegate_call_contract" | "static_call_contract" | "create1" | "create2"
        ) && let Some(child) = calls.next()
        {
            let last = next_is_last();
            render_node(out, child, base, &child_prefix, last, false);
        }
    }
    for child in calls {
        let last = next_is_last();
        render_node(out, child, base, &child_prefix, last, false);
    }
}
