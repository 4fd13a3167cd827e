//! Folding a traced transaction into flame stacks: every frame under the frame that called it,
//! EVM frames by contract and function (their gas × the ink price), Stylus frames by the
//! program's functions (their ink, from the frame's profile), a nested frame placed under the
//! function and hostio that made the call.

use std::sync::Arc;

use alloy_primitives::Address;
use world_mock::stylus::ProfileNode;
use world_mock::{CallTrace, FrameKind, FrameScheme, TraceFrame};

use super::{FunctionNames, Stacks};
use crate::report::{Decoder, function_of, show_address};

/// What folding a transaction needs besides its trace.
pub(crate) struct Folder<'a, N> {
    pub(crate) trace: &'a CallTrace,
    pub(crate) decoder: Decoder<'a>,
    /// The function names of the program at a code address.
    pub(crate) names: N,
    /// Ink per gas.
    pub(crate) ink_price: u64,
}

impl<N: FnMut(Address) -> Arc<FunctionNames>> Folder<'_, N> {
    /// Adds the transaction's stacks under `root` (the step) to `out`. Its top frame weighs its
    /// ink if it is a metered Stylus frame (the transaction's ink), else its gas.
    pub(crate) fn fold(&mut self, root: String, out: &mut Stacks) {
        let Some((top, frame)) = self.trace.children(None).next() else { return };
        let weight = match (&frame.kind, frame.ink) {
            (FrameKind::Stylus { .. }, Some(ink)) => ink,
            _ => frame.gas_used.saturating_mul(self.ink_price),
        };
        self.frame(top, vec![root], weight, out);
    }

    /// What a nested frame weighs in its caller: the gas it used, as ink.
    fn nested_weight(&self, frame: &TraceFrame) -> u64 {
        frame.gas_used.saturating_mul(self.ink_price)
    }

    fn frame(&mut self, index: usize, mut prefix: Vec<String>, weight: u64, out: &mut Stacks) {
        let frame = &self.trace.frames[index];
        prefix.push(frame_label(frame, self.decoder));
        out.call(prefix.last().cloned().unwrap_or_default(), 1);
        let children: Vec<(usize, u64)> =
            self.trace.children(Some(index)).map(|(child, f)| (child, self.nested_weight(f))).collect();
        let Some(profile) = &frame.profile else {
            // No function profile (EVM, precompile, native or unprofiled frames): the frame's
            // own share is what its children did not use.
            let nested: u64 = children.iter().map(|(_, w)| *w).sum();
            out.add(&prefix, weight.saturating_sub(nested));
            for (child, child_weight) in children {
                self.frame(child, prefix.clone(), child_weight, out);
            }
            return;
        };
        let names = (self.names)(frame.code_address);
        let label = |node: &ProfileNode| match node {
            ProfileNode::Function(index) => names.name(*index),
            ProfileNode::Hostio(name) => format!("vm_hooks::{name}"),
        };
        let mut stacks = profile.stacks.clone();
        for (child, child_weight) in children {
            let site = &self.trace.frames[child].call_site;
            // The hostio that made the call paid the callee's gas: that ink is the callee's.
            if let Some(ink) = stacks.get_mut(site) {
                *ink = ink.saturating_sub(child_weight);
            }
            let mut under = prefix.clone();
            under.extend(site.iter().map(label));
            self.frame(child, under, child_weight, out);
        }
        for (stack, ink) in &stacks {
            let mut full = prefix.clone();
            full.extend(stack.iter().map(label));
            out.add(&full, *ink);
        }
        for (node, calls) in &profile.calls {
            out.call(label(node), *calls);
        }
        // A nested Stylus frame also cost its caller the call's entry (gas, not ink).
        let ink = profile.total();
        if weight > ink {
            let mut entry = prefix;
            entry.push("(call entry: init and memory)".to_string());
            out.add(&entry, weight - ink);
        }
    }
}

/// `address:NAME::function [executor]`: whose code ran, what was called, and on what.
fn frame_label(frame: &TraceFrame, decoder: Decoder<'_>) -> String {
    let (who, runner) = match &frame.kind {
        FrameKind::Evm => (show_address(frame.code_address), "evm"),
        FrameKind::Stylus { executor } => (show_address(frame.code_address), *executor),
        FrameKind::Precompile { name } => (name.to_string(), "precompile"),
    };
    let function = match frame.scheme {
        FrameScheme::Create | FrameScheme::Create2 => "constructor".to_string(),
        _ => match function_of(frame, decoder.functions) {
            Some(signature) => signature.canonical(),
            None if frame.input.is_empty() => "(no calldata)".to_string(),
            None => format!("0x{}", alloy_primitives::hex::encode(&frame.input[..frame.input.len().min(4)])),
        },
    };
    let who = if matches!(frame.scheme, FrameScheme::Create | FrameScheme::Create2) {
        show_address(frame.target)
    } else {
        who
    };
    format!("{who}::{function} [{runner}]")
}
