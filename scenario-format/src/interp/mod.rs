//! Raw layer → interpreted model: value expressions evaluated, cross-field rules enforced, and
//! every error placed at its JSON path.

mod expect;
mod state;
mod steps;

pub(crate) use steps::interpret_step;

use crate::error::FormatError;
use crate::path::At;
use crate::raw::{AbiRaw, ValueRaw};
use crate::value::{
    self, AbiExpect, AbiValue, AddressValue, BytesValue, Check, CodeValue, U256Value, ValueError, WordValue,
    prefixes::ANY,
};
use std::path::Path;

/// What an interpretation needs to know about the file.
pub(crate) struct Ctx<'a> {
    pub(crate) file: &'a Path,
    pub(crate) source: &'a str,
    pub(crate) base_dir: &'a Path,
}

type Result<T> = std::result::Result<T, FormatError>;

impl Ctx<'_> {
    /// An error at the value of `json_path`.
    pub(crate) fn err(&self, json_path: &At<'_>, message: impl Into<String>) -> FormatError {
        FormatError::at(self.file, self.source, &json_path.render(), message)
    }

    /// An error at the key ending `json_path`.
    pub(crate) fn err_key(&self, json_path: &At<'_>, message: impl Into<String>) -> FormatError {
        FormatError::at_key(self.file, self.source, &json_path.render(), message)
    }

    fn value_err(&self, json_path: &At<'_>, expr: &str, e: &ValueError) -> FormatError {
        let mut message = e.to_string();
        let expr = crate::value::abbreviate(expr);
        if !message.contains(&expr) {
            message.push_str(&format!(" (in `{expr}`)"));
        }
        self.err(json_path, message)
    }

    /// Interprets a value field (a string or a list of strings to concatenate). A string becomes
    /// the value's `original` (taken from `raw`, which is read once and dropped with the raw step).
    pub(crate) fn bytes(&self, raw: &mut ValueRaw, at: &At<'_>) -> Result<BytesValue> {
        match raw {
            ValueRaw::Str(s) => self.leaf(s, at),
            ValueRaw::List(parts) => {
                let mut value = value::ValueBytes::new();
                for (i, part) in parts.iter().enumerate() {
                    let bytes =
                        value::interpret(part, self.base_dir).map_err(|e| self.value_err(&at.index(i), part, &e))?;
                    value.extend(bytes);
                }
                Ok(BytesValue { original: original_text(raw).into_owned(), value })
            }
        }
    }

    fn convert<T>(
        &self,
        raw: &mut ValueRaw,
        at: &At<'_>,
        f: impl FnOnce(BytesValue) -> std::result::Result<T, ValueError>,
    ) -> Result<T> {
        let bytes = self.bytes(raw, at)?;
        // A conversion fails only on the length, and its error quotes the expression.
        f(bytes).map_err(|e| self.err(at, e.to_string()))
    }

    /// A number of at most 32 bytes.
    pub(crate) fn u256(&self, raw: &mut ValueRaw, at: &At<'_>) -> Result<U256Value> {
        self.convert(raw, at, U256Value::from_bytes)
    }

    /// A number that fits 64 bits.
    pub(crate) fn u64(&self, raw: &mut ValueRaw, at: &At<'_>) -> Result<u64> {
        self.convert(raw, at, |b| value::to_u64(&b))
    }

    /// Exactly 20 bytes.
    pub(crate) fn address(&self, raw: &mut ValueRaw, at: &At<'_>) -> Result<AddressValue> {
        // The usual `address:NAME` read straight to its address (what its bytes would give); an
        // error comes from the general path, which words it.
        if let ValueRaw::Str(text) = raw
            && let Some(value) = AddressValue::named(text)
        {
            return Ok(AddressValue { value, original: std::mem::take(text) });
        }
        self.convert(raw, at, AddressValue::from_bytes)
    }

    /// At most 32 bytes, left-padded.
    pub(crate) fn word(&self, raw: &mut ValueRaw, at: &At<'_>) -> Result<WordValue> {
        self.convert(raw, at, WordValue::from_bytes)
    }

    /// A code expression (`evm:`, `wasm:`, `contract:` or bytes).
    pub(crate) fn code(&self, raw: &mut ValueRaw, at: &At<'_>) -> Result<CodeValue> {
        match raw {
            ValueRaw::Str(s) => CodeValue::interpret(s, self.base_dir).map_err(|e| self.value_err(at, s, &e)),
            ValueRaw::List(_) => {
                let bytes = self.bytes(raw, at)?;
                let source = value::CodeSource::Bytes(bytes.value.into_vec());
                Ok(CodeValue { original: bytes.original, source })
            }
        }
    }

    /// An expectation: `"*"` is [`Check::Any`], anything else goes through `f`.
    pub(crate) fn check<T>(
        &self,
        raw: &mut ValueRaw,
        at: &At<'_>,
        f: impl FnOnce(&Self, &mut ValueRaw, &At<'_>) -> Result<T>,
    ) -> Result<Check<T>> {
        match raw {
            ValueRaw::Str(s) if s == ANY => Ok(Check::Any),
            _ => f(self, raw, at).map(Check::Exact),
        }
    }

    /// An optional field at `base.key`, whose text `f` may take.
    pub(crate) fn opt<R, T>(
        &self,
        raw: &mut Option<R>,
        base: &At<'_>,
        key: &str,
        f: impl FnOnce(&Self, &mut R, &At<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        raw.as_mut().map(|r| f(self, r, &base.key(key))).transpose()
    }

    /// One ABI leaf: its text becomes the value's `original` (taken from `text`, which is read
    /// once and dropped with the raw step).
    pub(crate) fn leaf(&self, text: &mut String, at: &At<'_>) -> Result<BytesValue> {
        match value::interpret(text, self.base_dir) {
            Ok(value) => Ok(BytesValue { original: std::mem::take(text), value }),
            Err(e) => Err(self.value_err(at, text, &e)),
        }
    }

    /// ABI arguments (no `*`).
    pub(crate) fn abi(&self, raw: &mut AbiRaw, at: &At<'_>) -> Result<AbiValue> {
        match raw {
            AbiRaw::Str(s) => self.leaf(s, at).map(AbiValue::Leaf),
            AbiRaw::List(items) => items
                .iter_mut()
                .enumerate()
                .map(|(i, item)| self.abi(item, &at.index(i)))
                .collect::<Result<_>>()
                .map(AbiValue::List),
        }
    }

    /// A list of ABI arguments at `at`.
    pub(crate) fn abi_list(&self, raw: &mut Option<Vec<AbiRaw>>, at: &At<'_>) -> Result<Vec<AbiValue>> {
        let items = raw.as_deref_mut().unwrap_or_default();
        items.iter_mut().enumerate().map(|(i, r)| self.abi(r, &at.index(i))).collect()
    }

    /// An expected ABI value (`*` allowed at any depth).
    pub(crate) fn abi_expect(&self, raw: &mut AbiRaw, at: &At<'_>) -> Result<Check<AbiExpect>> {
        match raw {
            AbiRaw::Str(s) if s == ANY => Ok(Check::Any),
            AbiRaw::Str(s) => self.leaf(s, at).map(|b| Check::Exact(AbiExpect::Leaf(b))),
            AbiRaw::List(items) => Ok(Check::Exact(AbiExpect::List(self.abi_expects(items, at)?))),
        }
    }

    /// A list of expected ABI values at `at`.
    pub(crate) fn abi_expects(&self, items: &mut [AbiRaw], at: &At<'_>) -> Result<Vec<Check<AbiExpect>>> {
        items.iter_mut().enumerate().map(|(i, r)| self.abi_expect(r, &at.index(i))).collect()
    }
}

/// A value field's text as [`BytesValue::original`] keeps it: a list is kept as its JSON.
fn original_text(raw: &ValueRaw) -> std::borrow::Cow<'_, str> {
    match raw {
        ValueRaw::Str(s) => s.as_str().into(),
        ValueRaw::List(parts) => serde_json::to_string(parts).unwrap_or_default().into(),
    }
}
