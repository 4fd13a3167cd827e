//! From a failing step's mismatches to the edits that make its expectations match what
//! happened: each mismatch's field names the JSON path under the step (`expect.out[0]`,
//! `accounts["address:bob"].balance`), and the step's captured actual values give the new
//! text. Only failing values are rewritten; `"*"` never fails, so it stays.

use std::path::Path;
use std::sync::Arc;

use alloy_dyn_abi::{DynSolType, DynSolValue};
use alloy_primitives::{Log, U256};
use scenario_format::path::{PathSegment, join, join_index, join_key, parse};
use scenario_format::{AbiExpect, BytesValue, Check, Hint, reconstruct};
use serde_json::Value;

use super::values::{abi_json, bytes_expression, comparison_like, inline_json, number_like, quote, word_like};
use crate::abi::{check_event, decode_custom, decode_event, error_message};
use crate::prepare::{Action, ErrorCheck, Expectations, LogCheck, OutCheck, PreparedStep};
use crate::report::{AccountActual, Actual, Mismatch, StepReport, TxActual};

/// One edit of a scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// The file the value is written in (an included file for `externalSteps`).
    pub file: Arc<std::path::PathBuf>,
    /// Its text as loaded.
    pub source: Arc<String>,
    /// The full JSON path of the value (or, for an insertion, of the object).
    pub path: String,
    /// What to write.
    pub edit: Edit,
}

/// A replacement or an insertion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// The value's new JSON text.
    Replace(String),
    /// A member to add to the object at the path: key and value as JSON text.
    Insert(String, String),
}

/// A mismatch that bless leaves to the author, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotBlessed {
    /// `file:line:column` of the step.
    pub location: String,
    /// The mismatch's field.
    pub field: String,
    /// Why.
    pub reason: String,
}

/// Collects fixes for one failing step.
pub(super) struct StepFixes<'a> {
    step: &'a PreparedStep,
    report: &'a StepReport,
    base: &'a Path,
    /// The edits.
    pub fixes: Vec<Fix>,
    /// What could not be blessed.
    pub not_blessed: Vec<NotBlessed>,
}

impl<'a> StepFixes<'a> {
    /// The fixes for `report`'s mismatches of `step`.
    pub(super) fn of(step: &'a PreparedStep, report: &'a StepReport) -> Self {
        let base = step.origin.file.parent().unwrap_or(Path::new(""));
        let mut this = Self { step, report, base, fixes: Vec::new(), not_blessed: Vec::new() };
        let Some(actual) = report.actual.clone() else {
            for m in &report.mismatches {
                this.refuse(&m.field, "the run kept no actual value for it");
            }
            return this;
        };
        match &step.action {
            Action::Tx { expect, .. } | Action::Activate { expect, .. } => match &actual.tx {
                Some(tx) => this.tx(expect, tx),
                None => this.refuse("expect", "the run kept no outcome"),
            },
            Action::CheckState(check) => this.state(&check.check, &actual),
            _ => {
                for m in &report.mismatches {
                    this.refuse(&m.field, "not an expectation bless can rewrite");
                }
            }
        }
        this
    }

    fn refuse(&mut self, field: &str, reason: impl Into<String>) {
        self.not_blessed.push(NotBlessed {
            location: self.report.location.to_string(),
            field: field.to_string(),
            reason: reason.into(),
        });
    }

    fn replace(&mut self, sub_path: &str, json: String) {
        self.fixes.push(Fix {
            file: self.step.origin.file.clone(),
            source: self.step.origin.source.clone(),
            path: self.step.origin.path(sub_path),
            edit: Edit::Replace(json),
        });
    }

    /// The text of a string value under the step (`None` if absent or not a string).
    fn old_string(&self, sub_path: &str) -> Option<String> {
        let source = &self.step.origin.source;
        let range = scenario_format::span(source, &self.step.origin.path(sub_path))?;
        serde_json::from_str::<String>(&source[range]).ok()
    }

    fn tx(&mut self, expect: &Expectations, tx: &TxActual) {
        let fields: Vec<&Mismatch> = self.report.mismatches.iter().collect();
        let mut logs_done = false;
        for m in fields {
            let field = m.field.as_str();
            if field == "logs" || field.starts_with("logs.") || field.starts_with("logs[") {
                if !logs_done {
                    logs_done = true;
                    self.logs(expect, tx);
                }
                continue;
            }
            let path = join("expect", field);
            match field {
                "status" => self.replace(&path, quote(&tx.status)),
                "gasUsed" => self.comparison(&path, tx.gas_used),
                "ink" => match tx.ink_used {
                    Some(ink) => self.comparison(&path, ink),
                    None => self.refuse(field, "no ink was metered"),
                },
                "address" => match tx.created {
                    Some(a) => self.replace(&path, quote(&reconstruct(a.as_slice(), Hint::Address))),
                    None => self.refuse(field, "no contract was created; remove `address` by hand"),
                },
                "out" => {
                    let text = bytes_expression(&tx.output, self.base);
                    self.replace(&path, quote(&text));
                }
                "error" => self.error(tx),
                "version" | "footprint" | "initCost" | "cachedCost" | "asmEstimate" | "moduleHash" => {
                    self.program_figure(&path, field, tx.program.as_ref())
                }
                "dataFee" => match (tx.output.len() == 64).then(|| U256::from_be_slice(&tx.output[32..])) {
                    Some(fee) => {
                        let old = self.old_string(&path).unwrap_or_default();
                        self.replace(&path, quote(&number_like(&old, fee)));
                    }
                    None => self.refuse(field, "no data fee was returned"),
                },
                _ => self.tx_indexed(expect, tx, field),
            }
        }
    }

    /// `out[i]` and `error.args[i]`.
    fn tx_indexed(&mut self, expect: &Expectations, tx: &TxActual, field: &str) {
        let segments = parse(field).unwrap_or_default();
        match segments.as_slice() {
            [PathSegment::Key(out), PathSegment::Index(i)] if out == "out" => {
                let Some(OutCheck::Typed { types, values, .. }) = &expect.out else {
                    return self.refuse(field, "`out` is not a list");
                };
                let decoded = DynSolType::Tuple(types.to_vec()).abi_decode_params(&tx.output);
                match decoded {
                    Ok(DynSolValue::Tuple(items)) if items.len() == values.len() => {
                        self.abi(&join("expect", field), &values[*i], &items[*i], &types[*i]);
                    }
                    _ => self.refuse(field, "the return data does not decode by the return types"),
                }
            }
            [PathSegment::Key(error), PathSegment::Key(args), PathSegment::Index(i)]
                if error == "error" && args == "args" =>
            {
                let Some(ErrorCheck::Custom { sig, args }) = &expect.error else {
                    return self.refuse(field, "`error` is not a custom error");
                };
                match decode_custom(&tx.output, sig) {
                    Some(values) if values.len() == args.len() => {
                        self.abi(&join("expect", field), &args[*i], &values[*i], &sig.params[*i]);
                    }
                    _ => self.refuse(field, "the revert data does not decode by the error's signature"),
                }
            }
            _ => self.refuse(field, "not an expectation bless can rewrite"),
        }
    }

    fn comparison(&mut self, path: &str, actual: u64) {
        let old = self.old_string(path).unwrap_or_default();
        self.replace(path, quote(&comparison_like(&old, actual)));
    }

    fn error(&mut self, tx: &TxActual) {
        match error_message(&tx.output).filter(|_| tx.status == "revert") {
            Some(message) => {
                let text = format!("str:{message}");
                let exact = BytesValue::interpret(&text, self.base).is_ok_and(|b| *b.value == *message.as_bytes());
                let text = if exact { text } else { reconstruct(message.as_bytes(), Hint::Bytes) };
                self.replace("expect.error", quote(&text));
            }
            None if tx.status == "revert" => {
                self.refuse("error", "the revert data is not Error(string); edit `error` by hand")
            }
            None => {
                self.refuse("error", format!("the transaction did not revert ({}); remove `error` by hand", tx.status))
            }
        }
    }

    fn program_figure(&mut self, path: &str, field: &str, program: Option<&world_mock::stylus::ProgramInfo>) {
        let Some(info) = program else {
            return self.refuse(field, "the program is not activated");
        };
        if field.ends_with("moduleHash") {
            return self.replace(path, quote(&info.module_hash.to_string()));
        }
        let value = match field.rsplit('.').next().unwrap_or(field) {
            "version" => u64::from(info.version),
            "footprint" => u64::from(info.footprint),
            "initCost" => u64::from(info.init_cost),
            "cachedCost" => u64::from(info.cached_cost),
            _ => u64::from(info.asm_estimate),
        };
        let old = self.old_string(path).unwrap_or_default();
        self.replace(path, quote(&number_like(&old, U256::from(value))));
    }

    /// Rewrites the leaves of an expected ABI value that differ from `actual`, keeping `*`.
    fn abi(&mut self, path: &str, expect: &Check<AbiExpect>, actual: &DynSolValue, ty: &DynSolType) {
        let Check::Exact(want) = expect else {
            return;
        };
        let children = match (want, actual, ty) {
            (
                AbiExpect::List(items),
                DynSolValue::Array(values) | DynSolValue::FixedArray(values),
                DynSolType::Array(inner) | DynSolType::FixedArray(inner, _),
            ) if items.len() == values.len() => Some(values.iter().map(|_| inner.as_ref().clone()).collect::<Vec<_>>()),
            (AbiExpect::List(items), DynSolValue::Tuple(values), DynSolType::Tuple(types))
                if items.len() == values.len() =>
            {
                Some(types.clone())
            }
            _ => None,
        };
        if let (AbiExpect::List(items), Some(types)) = (want, children) {
            let values = match actual {
                DynSolValue::Array(v) | DynSolValue::FixedArray(v) | DynSolValue::Tuple(v) => v,
                _ => return,
            };
            for (i, ((item, value), ty)) in items.iter().zip(values).zip(&types).enumerate() {
                self.abi(&join_index(path, i), item, value, ty);
            }
            return;
        }
        if crate::abi::expect_matches(expect, actual, ty).unwrap_or(false) {
            return;
        }
        // A number replacing a number keeps its style (`1_000`, `0x…`).
        if let (AbiExpect::Leaf(old), DynSolValue::Uint(value, _)) = (want, actual) {
            let styled = number_like(&old.original, *value);
            if BytesValue::interpret(&styled, self.base)
                .is_ok_and(|b| U256::try_from_be_slice(&b.value) == Some(*value))
            {
                return self.replace(path, quote(&styled));
            }
        }
        match abi_json(actual, ty, self.base) {
            Some(json) => self.replace(path, inline_json(&json)),
            None => self.refuse(path, "no expression found that encodes back to the actual value"),
        }
    }

    fn logs(&mut self, expect: &Expectations, tx: &TxActual) {
        let Some(check) = &expect.logs else {
            return;
        };
        let fields: Vec<String> = self.report.mismatches.iter().map(|m| m.field.clone()).collect();
        if fields.iter().any(|f| f == "logs.length") {
            return self.whole_logs(check, &tx.logs);
        }
        let mut whole_entries = Vec::new();
        for field in fields.iter().filter(|f| f.starts_with("logs[")) {
            let segments = parse(field).unwrap_or_default();
            let [PathSegment::Key(_), PathSegment::Index(i), rest @ ..] = segments.as_slice() else {
                continue;
            };
            let (Some(want), Some(log)) = (check.entries.get(*i), tx.logs.get(*i)) else {
                continue;
            };
            let path = join("expect", field);
            match (want, rest) {
                (_, [PathSegment::Key(k)]) if k == "address" => {
                    self.replace(&path, quote(&reconstruct(log.address.as_slice(), Hint::Address)))
                }
                (LogCheck::Raw { .. }, [PathSegment::Key(k), PathSegment::Index(j)]) if k == "topics" => {
                    let old = self.old_string(&path);
                    match word_like(old.as_deref(), U256::from_be_bytes(log.topics()[*j].0), self.base) {
                        Some(text) => self.replace(&path, quote(&text)),
                        None => self.refuse(field, "no expression found for the topic"),
                    }
                }
                (LogCheck::Raw { .. }, [PathSegment::Key(k)]) if k == "data" => {
                    self.replace(&path, quote(&bytes_expression(&log.data.data, self.base)))
                }
                (LogCheck::Event { sig, args, .. }, [PathSegment::Key(k), PathSegment::Index(a)]) if k == "args" => {
                    self.event_arg(&path, field, sig, args, *a, log)
                }
                _ if !whole_entries.contains(i) => whole_entries.push(*i),
                _ => {}
            }
        }
        for i in whole_entries {
            if let (Some(want), Some(log)) = (check.entries.get(i), tx.logs.get(i)) {
                let entry = self.log_entry(Some((i, want)), &check.entries, log);
                self.replace(&format!("expect.logs[{i}]"), entry);
            }
        }
    }

    fn event_arg(
        &mut self,
        path: &str,
        field: &str,
        sig: &crate::abi::Signature,
        args: &[Check<AbiExpect>],
        index: usize,
        log: &Log,
    ) {
        let Some(text) = decode_event(sig, log).and_then(|values| values.get(index).cloned()) else {
            return self.refuse(field, "the log does not decode by the event's signature");
        };
        // Accept the rendering only if the event check then passes for this argument.
        let Ok(leaf) = BytesValue::interpret(&text, self.base) else {
            return self.refuse(field, "no expression found for the argument");
        };
        let mut trial = args.to_vec();
        trial[index] = Check::Exact(AbiExpect::Leaf(leaf));
        let arg_field = format!("args[{index}]");
        match check_event(sig, &trial, log) {
            Ok(diffs) if !diffs.iter().any(|(f, _, _)| *f == arg_field) => self.replace(path, quote(&text)),
            _ => self.refuse(field, "no expression found that matches the argument"),
        }
    }

    /// One log as an expectation (JSON text, keys in the order scenarios write them): decoded by
    /// an expected event signature that fits, else raw.
    fn log_entry(&self, own: Option<(usize, &LogCheck)>, all: &[LogCheck], log: &Log) -> String {
        let address = quote(&reconstruct(log.address.as_slice(), Hint::Address));
        let candidates = own.into_iter().chain(all.iter().enumerate());
        for (i, check) in candidates {
            if let LogCheck::Event { sig, .. } = check
                && let Some(values) = decode_event(sig, log)
            {
                let event = self.old_string(&format!("expect.logs[{i}].event")).unwrap_or_else(|| sig.canonical());
                let args = inline_json(&Value::Array(values.into_iter().map(Value::String).collect()));
                return format!("{{ \"address\": {address}, \"event\": {}, \"args\": {args} }}", quote(&event));
            }
        }
        let topics = log.topics().iter().map(|t| Value::String(reconstruct(t.as_slice(), Hint::Word))).collect();
        let data = quote(&bytes_expression(&log.data.data, self.base));
        format!("{{ \"address\": {address}, \"topics\": {}, \"data\": {data} }}", inline_json(&Value::Array(topics)))
    }

    /// The whole `logs` list, one line per log (on separate lines when the list was).
    fn whole_logs(&mut self, check: &crate::prepare::LogsCheck, logs: &[Log]) {
        let mut items: Vec<String> = logs
            .iter()
            .enumerate()
            .map(|(i, log)| self.log_entry(check.entries.get(i).map(|c| (i, c)), &check.entries, log))
            .collect();
        if check.more_allowed {
            items.push("\"+\"".into());
        }
        let path = self.step.origin.path("expect.logs");
        let source = &self.step.origin.source;
        let text = match scenario_format::span(source, &path) {
            Some(range) if source[range.clone()].contains('\n') && !items.is_empty() => {
                let line_start = source[..range.start].rfind('\n').map_or(0, |i| i + 1);
                let indent: String = source[line_start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
                format!("[\n{indent}  {}\n{indent}]", items.join(&format!(",\n{indent}  ")))
            }
            _ => format!("[{}]", items.join(", ")),
        };
        self.replace("expect.logs", text);
    }

    fn state(&mut self, check: &scenario_format::CheckState, actual: &Actual) {
        for m in &self.report.mismatches {
            let segments = parse(&m.field).unwrap_or_default();
            let [PathSegment::Key(accounts), PathSegment::Key(name), rest @ ..] = segments.as_slice() else {
                self.refuse(&m.field, "unlisted accounts: list them, or add \"+\": \"\" to `accounts`");
                continue;
            };
            let found =
                (accounts == "accounts").then(|| check.accounts.iter().find(|(a, _)| a.original == *name)).flatten();
            let Some((address, expected)) = found else {
                self.refuse(&m.field, "not an expectation bless can rewrite");
                continue;
            };
            let account = actual.accounts.get(&address.value).cloned().unwrap_or_default();
            let base = join_key("accounts", name);
            match rest {
                [PathSegment::Key(k)] if k == "balance" => {
                    let path = join_key(&base, "balance");
                    let old = self.old_string(&path).unwrap_or_default();
                    self.replace(&path, quote(&number_like(&old, account.balance)));
                }
                [PathSegment::Key(k)] if k == "nonce" => {
                    let path = join_key(&base, "nonce");
                    let old = self.old_string(&path).unwrap_or_default();
                    self.replace(&path, quote(&number_like(&old, U256::from(account.nonce))));
                }
                [PathSegment::Key(k)] if k == "storage" => {
                    if let Some(storage) = &expected.storage {
                        self.storage(&join_key(&base, "storage"), storage, &account);
                    }
                }
                [PathSegment::Key(p), PathSegment::Key(k)] if p == "program" && k == "activated" => {
                    let path = join_key(&join_key(&base, "program"), "activated");
                    self.replace(&path, account.program.is_some().to_string());
                }
                [PathSegment::Key(p), PathSegment::Key(k)] if p == "program" => {
                    let path = join_key(&join_key(&base, "program"), k);
                    self.program_figure(&path, k, account.program.as_ref());
                }
                _ => self.refuse(&m.field, "code is not blessed: write the code expression by hand"),
            }
        }
    }

    fn storage(&mut self, path: &str, storage: &scenario_format::StorageCheck, account: &AccountActual) {
        let mut listed = std::collections::BTreeSet::new();
        for (key, value) in &storage.slots {
            let slot = U256::from_be_bytes(key.value.0);
            listed.insert(slot);
            let have = account.storage.get(&slot).copied().unwrap_or_default();
            let Check::Exact(want) = value else {
                continue;
            };
            if U256::from_be_bytes(want.value.0) == have {
                continue;
            }
            let value_path = join_key(path, &key.original);
            match word_like(Some(&want.original), have, self.base) {
                Some(text) => self.replace(&value_path, quote(&text)),
                None => self.refuse(&value_path, "no expression found for the value"),
            }
        }
        if storage.open {
            return;
        }
        for (slot, value) in account.storage.iter().filter(|(k, _)| !listed.contains(*k)) {
            match (word_like(None, *slot, self.base), word_like(None, *value, self.base)) {
                (Some(k), Some(v)) => self.fixes.push(Fix {
                    file: self.step.origin.file.clone(),
                    source: self.step.origin.source.clone(),
                    path: self.step.origin.path(path),
                    edit: Edit::Insert(quote(&k), quote(&v)),
                }),
                _ => self.refuse(path, "no expression found for an unlisted slot"),
            }
        }
    }
}
