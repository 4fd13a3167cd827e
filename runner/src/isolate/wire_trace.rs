//! Call trees on the worker pipe. The report's tree holds frame kinds, schemes, executors and
//! hostio names as `&'static str` (a small closed set); on the way back each distinct name is
//! allocated once per process and kept.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use crate::report::{HostioNode, TraceNode};

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct WireTrace {
    kind: String,
    runner: Option<String>,
    scheme: String,
    caller: String,
    target: String,
    call: String,
    value: Option<String>,
    gas_limit: u64,
    gas_used: u64,
    ink_limit: Option<u64>,
    ink: Option<u64>,
    self_ink: Option<u64>,
    status: String,
    output: String,
    detail: Option<String>,
    hostios: Vec<WireHostio>,
    calls: Vec<WireTrace>,
}

#[derive(Debug, Serialize, Deserialize)]
struct WireHostio {
    name: String,
    args: String,
    outs: String,
    start_ink: u64,
    end_ink: u64,
}

impl From<&TraceNode> for WireTrace {
    fn from(t: &TraceNode) -> Self {
        Self {
            kind: t.kind.to_string(),
            runner: t.runner.map(str::to_string),
            scheme: t.scheme.to_string(),
            caller: t.caller.clone(),
            target: t.target.clone(),
            call: t.call.clone(),
            value: t.value.clone(),
            gas_limit: t.gas_limit,
            gas_used: t.gas_used,
            ink_limit: t.ink_limit,
            ink: t.ink,
            self_ink: t.self_ink,
            status: t.status.clone(),
            output: t.output.clone(),
            detail: t.detail.clone(),
            hostios: t
                .hostios
                .iter()
                .map(|h| WireHostio {
                    name: h.name.to_string(),
                    args: h.args.clone(),
                    outs: h.outs.clone(),
                    start_ink: h.start_ink,
                    end_ink: h.end_ink,
                })
                .collect(),
            calls: t.calls.iter().map(WireTrace::from).collect(),
        }
    }
}

impl From<WireTrace> for TraceNode {
    fn from(w: WireTrace) -> Self {
        Self {
            kind: interned(w.kind),
            runner: w.runner.map(interned),
            scheme: interned(w.scheme),
            caller: w.caller,
            target: w.target,
            call: w.call,
            value: w.value,
            gas_limit: w.gas_limit,
            gas_used: w.gas_used,
            ink_limit: w.ink_limit,
            ink: w.ink,
            self_ink: w.self_ink,
            status: w.status,
            output: w.output,
            detail: w.detail,
            hostios: w
                .hostios
                .into_iter()
                .map(|h| HostioNode {
                    name: interned(h.name),
                    args: h.args,
                    outs: h.outs,
                    start_ink: h.start_ink,
                    end_ink: h.end_ink,
                })
                .collect(),
            calls: w.calls.into_iter().map(TraceNode::from).collect(),
        }
    }
}

/// The one kept copy of `name`.
fn interned(name: String) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    if let Some(known) = names.get(name.as_str()) {
        return known;
    }
    let kept: &'static str = Box::leak(name.into_boxed_str());
    names.insert(kept);
    kept
}
