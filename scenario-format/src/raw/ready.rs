//! The commonest step, a `call` or `query` written plainly, read straight into the model: each
//! value is interpreted as it is read, without building the raw structs and walking them again
//! (the ERC-20 bench, library `--jobs 1`: 3 % fewer instructions for the whole run, and 7 %
//! less time, than reading the raw step and interpreting it).
//!
//! It declines (`None`) whatever it does not read exactly as the raw reader and the
//! interpretation would: an escape, a number, `null`, a repeated or unknown key, a concatenation
//! (a list where one value belongs), a `file:` value, and any value or rule that is an error. A
//! declined step takes the general way, whose result and errors are the format's. The tests
//! hold the two ways equal on the bundled calls and thousands of damaged copies of them. Adding
//! a field to the raw structs without adding it here only makes the steps that use it take the
//! general way.
//!
//! With [`Quotes::Dropped`], the values' written texts are left empty (no allocation each), but
//! the `to` of the call, which reports name the contract by.

use super::common::StepTag;
use super::plain::{MAX_DEPTH, Plain, set};
use super::{ReadyRaw, StepRaw};
use crate::model::{
    CallFields, CallTx, Comparison, ErrorExpect, Expect, LogExpect, LogsExpect, Out, Quotes, Status, Step,
};
use crate::signature::{SignatureKind, check_shape, check_signature};
use crate::value::prefixes::{ANY, FILE, MORE};
use crate::value::{
    AbiExpect, AbiValue, AddressValue, BytesValue, Check, U256Value, ValueBytes, WordValue, interpret, to_u64,
};
use std::path::Path;

/// The `call` or `query` step (`name`) at the start of `rest` and the length of its text, when
/// it is written plainly, its own `step` tag is `name` and it interprets without an error.
pub(crate) fn read_call(rest: &str, name: &str, quotes: Quotes) -> Option<(StepRaw, usize)> {
    let name = ["call", "query"].into_iter().find(|n| *n == name)?;
    let mut r = Plain::new(rest, quotes);
    // The step is boxed first and each field read into its place: the step and its parts are
    // hundreds of bytes, and moving them from one function's result to the next was a tenth
    // of this reader's time.
    let empty = CallTx { tx: empty_fields(), expect: None };
    let mut step = Box::new(if name == "call" { Step::Call(empty) } else { Step::Query(empty) });
    let (Step::Call(call) | Step::Query(call)) = &mut *step else { return None };
    let (mut tag, mut id, mut comment, mut tx) = (None, None, None, None);
    r.object(|r, key| match key {
        "step" => set(&mut tag, r.tag()?),
        "id" => set(&mut id, r.text()?),
        "comment" => set(&mut comment, r.text()?),
        "tx" => set(&mut tx, call_tx(r, &mut call.tx)?),
        "expect" if call.expect.is_none() => self::expect(r, call.expect.insert(Expect::default())),
        _ => None,
    })?;
    (tag? == StepTag(Some(name))).then_some(())?;
    let TxSeen { function, args_given, data_given } = tx?;
    // The interpretation's rules: a `call` names its sender; `data` or `function`, not both;
    // `args` only with `function`; a list `out` only with return types.
    if name == "call" && call.tx.from.is_none() {
        return None;
    }
    let returns = match function {
        Some(_) if data_given => return None,
        Some(sig) => check_shape(sig, SignatureKind::Function).ok()?,
        None if args_given => return None,
        None => false,
    };
    if matches!(&call.expect, Some(Expect { out: Some(Out::Values(_)), .. })) && !returns {
        return None;
    }
    call.tx.function = function.map(str::to_owned);
    Some((StepRaw::Ready(ReadyRaw { step, id, comment }), r.offset()))
}

/// A call's fields before any is read (`to` is required: it is set before the step is kept).
fn empty_fields() -> CallFields {
    let to = AddressValue { original: String::new(), value: Default::default() };
    let (args, data, value, gas_limit, gas_price) = (Vec::new(), None, None, None, None);
    CallFields { from: None, to, function: None, args, data, value, gas_limit, gas_price }
}

/// What the rules look at in a `tx`, besides its fields.
struct TxSeen<'a> {
    function: Option<&'a str>,
    args_given: bool,
    data_given: bool,
}

/// Reads a `tx` into `fields` (all empty) but `function`, which the rules look at first.
fn call_tx<'a>(r: &mut Plain<'a>, fields: &mut CallFields) -> Option<TxSeen<'a>> {
    let (mut to, mut function, mut args) = (None, None, None);
    r.object(|r, key| match key {
        "from" => set(&mut fields.from, address(r)?),
        // Kept whatever the quotes: reports name the contract called by it when its code has no name.
        "to" => set(&mut to, address_of(r.string()?, Quotes::Kept)?),
        "function" => set(&mut function, r.string()?),
        "args" => set(&mut args, r.list(|r| abi(r, 1))?),
        "data" => set(&mut fields.data, leaf(r)?),
        "value" => set(&mut fields.value, U256Value::from_bytes(leaf(r)?).ok()?),
        "gasLimit" => set(&mut fields.gas_limit, to_u64(&leaf(r)?).ok()?),
        "gasPrice" => set(&mut fields.gas_price, U256Value::from_bytes(leaf(r)?).ok()?),
        _ => None,
    })?;
    fields.to = to?;
    let (args_given, data_given) = (args.is_some(), fields.data.is_some());
    fields.args = args.unwrap_or_default();
    Some(TxSeen { function, args_given, data_given })
}

/// A call's `expect`, read into `expect` (empty): no `address` and no activation figure (only
/// deploys and activations check them), so any key other than these is declined.
fn expect(r: &mut Plain<'_>, expect: &mut Expect) -> Option<()> {
    let (mut out, mut error, mut logs) = (None, None, None);
    r.object(|r, key| match key {
        "status" => set(&mut expect.status, check(r, Status::from_name)?),
        "out" => set(&mut out, self::out(r)?),
        "error" => set(&mut error, self::error(r)?),
        "logs" => set(&mut logs, self::logs(r)?),
        "gasUsed" => set(&mut expect.gas_used, check(r, Comparison::parse)?),
        "ink" => set(&mut expect.ink, check(r, Comparison::parse)?),
        _ => None,
    })?;
    // `*` (the inner `None`) was given, so a second `out` is declined, but checks nothing.
    (expect.out, expect.error, expect.logs) = (out.flatten(), error.flatten(), logs.flatten());
    Some(())
}

fn check<T>(r: &mut Plain<'_>, f: impl FnOnce(&str) -> Option<T>) -> Option<Check<T>> {
    let s = r.string()?;
    if s == ANY { Some(Check::Any) } else { f(s).map(Check::Exact) }
}

/// `out`: `*` (not checked), one raw expression, or values by the return types.
fn out(r: &mut Plain<'_>) -> Option<Option<Out>> {
    if r.is_next(b'[') {
        return r.list(|r| abi_expect(r, 1)).map(|values| Some(Out::Values(values)));
    }
    let s = r.string()?;
    if s == ANY { Some(None) } else { text_leaf(s, r.quotes()).map(|b| Some(Out::Raw(b))) }
}

/// `error`: `*` (not checked), a message, or a custom error's signature and arguments.
fn error(r: &mut Plain<'_>) -> Option<Option<ErrorExpect>> {
    if !r.is_next(b'{') {
        let s = r.string()?;
        return if s == ANY { Some(None) } else { text_leaf(s, r.quotes()).map(|b| Some(ErrorExpect::Message(b))) };
    }
    let (mut signature, mut args) = (None, None);
    r.object(|r, key| match key {
        "signature" => set(&mut signature, r.string()?),
        "args" => set(&mut args, r.list(|r| abi_expect(r, 1))?),
        _ => None,
    })?;
    let signature = signature?;
    check_signature(signature, SignatureKind::Error).ok()?;
    Some(Some(ErrorExpect::Custom { signature: signature.to_owned(), args: args.unwrap_or_default() }))
}

/// `logs`: `*` (not checked), or the logs in order, `+` last when more may follow.
fn logs(r: &mut Plain<'_>) -> Option<Option<LogsExpect>> {
    if !r.is_next(b'[') {
        return (r.string()? == ANY).then_some(None);
    }
    let mut logs = LogsExpect { entries: Vec::new(), more_allowed: false };
    // The logs are gathered in place (the cursor's own list holds nothing).
    r.list(|r| {
        if logs.more_allowed {
            // Only the last entry may be `+`.
            return None;
        }
        if r.is_next(b'{') {
            logs.entries.push(log(r)?);
        } else {
            logs.more_allowed = r.string()? == MORE;
            logs.more_allowed.then_some(())?;
        }
        Some(())
    })?;
    Some(Some(logs))
}

fn log(r: &mut Plain<'_>) -> Option<LogExpect> {
    let q = r.quotes();
    let (mut address, mut topics, mut data, mut event, mut args) = (None, None, None, None, None);
    r.object(|r, key| match key {
        "address" => set(&mut address, check(r, |s| address_of(s, q))?),
        "topics" => set(&mut topics, r.list(|r| check(r, |s| WordValue::from_bytes(text_leaf(s, q)?).ok()))?),
        "data" => set(&mut data, check(r, |s| text_leaf(s, q))?),
        "event" => set(&mut event, r.string()?),
        "args" => set(&mut args, r.list(|r| abi_expect(r, 1))?),
        _ => None,
    })?;
    let address = address?;
    match event {
        Some(event) if topics.is_none() && data.is_none() => {
            check_signature(event, SignatureKind::Event).ok()?;
            Some(LogExpect::Event { address, event: event.to_owned(), args: args.unwrap_or_default() })
        }
        None if args.is_none() => Some(LogExpect::Raw { address, topics, data }),
        _ => None,
    }
}

/// An ABI argument: a value expression, or a list for an array or tuple.
fn abi(r: &mut Plain<'_>, depth: usize) -> Option<AbiValue> {
    if r.is_next(b'[') {
        (depth < MAX_DEPTH).then_some(())?;
        return r.list(|r| abi(r, depth + 1)).map(AbiValue::List);
    }
    leaf(r).map(AbiValue::Leaf)
}

/// An expected ABI value (`*` allowed at any depth).
fn abi_expect(r: &mut Plain<'_>, depth: usize) -> Option<Check<AbiExpect>> {
    if r.is_next(b'[') {
        (depth < MAX_DEPTH).then_some(())?;
        return r.list(|r| abi_expect(r, depth + 1)).map(|items| Check::Exact(AbiExpect::List(items)));
    }
    let q = r.quotes();
    check(r, |s| text_leaf(s, q).map(AbiExpect::Leaf))
}

fn leaf(r: &mut Plain<'_>) -> Option<BytesValue> {
    text_leaf(r.string()?, r.quotes())
}

/// A value expression with its bytes. A `file:` value is declined: it is read relative to the
/// scenario's folder, which only the general way knows; no other expression reads the folder.
fn text_leaf(text: &str, quotes: Quotes) -> Option<BytesValue> {
    // `address:NAME`, the commonest argument, gives the bytes of the address `address_of` reads.
    let value = match AddressValue::named(text) {
        Some(address) => ValueBytes::from_slice(address.as_slice()),
        None if text.contains(FILE) => return None,
        None => interpret(text, Path::new("")).ok()?,
    };
    Some(BytesValue { original: quotes.of(text), value })
}

fn address(r: &mut Plain<'_>) -> Option<AddressValue> {
    address_of(r.string()?, r.quotes())
}

/// An address expression: `address:NAME` read straight to its address, as the interpretation does.
fn address_of(text: &str, quotes: Quotes) -> Option<AddressValue> {
    match AddressValue::named(text) {
        Some(value) => Some(AddressValue { value, original: quotes.of(text) }),
        None => AddressValue::from_bytes(text_leaf(text, quotes)?).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::{Ctx, interpret_step};
    use crate::path::At;
    use crate::raw::CallRaw;

    /// What the general way makes of the `name` step at the start of `rest`: serde's raw step,
    /// its tag checked, interpreted; with its id, comment and where it stops. `None` when any of
    /// these fails.
    fn general(rest: &str, name: &str) -> Option<(ReadyRaw, usize)> {
        let mut values = serde_json::Deserializer::from_str(rest).into_iter::<CallRaw>();
        let mut call = Box::new(values.next()?.ok()?);
        let offset = values.byte_offset();
        (call.step == Some(StepTag::of(name))).then_some(())?;
        let (id, comment) = (call.id.take(), call.comment.take());
        let mut raw = if name == "call" { StepRaw::Call(call) } else { StepRaw::Query(call) };
        // The workspace's folder: the tests run in the crate's, which has another `Cargo.toml`.
        let base_dir = &Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let ctx = Ctx { file: Path::new("test.scen.json"), source: rest, base_dir };
        let step = Box::new(interpret_step(&ctx, &mut raw, &At::Rendered("steps").index(0)).ok()?);
        Some((ReadyRaw { step, id, comment }, offset))
    }

    /// Whatever the reader accepts, the general way reads and interprets the same way; without
    /// quotes, the reader accepts the same steps, up to the same place.
    fn agrees(text: &str, name: &str) -> bool {
        let unquoted = read_call(text, name, Quotes::Dropped).map(|(_, len)| len);
        let Some((read, len)) = read_call(text, name, Quotes::Kept) else {
            assert_eq!(unquoted, None, "{name}: {text}");
            return false;
        };
        assert_eq!(unquoted, Some(len), "{name}: {text}");
        let StepRaw::Ready(read) = read else { panic!("{name}: {text}: read as {read:?}") };
        assert_eq!(Some((read, len)), general(text, name), "{name}: {text}");
        true
    }

    /// The `call` and `query` steps of the bundled scenarios, as written.
    fn bundled_calls() -> Vec<(String, &'static str)> {
        fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    files(&path, out);
                } else if path.to_string_lossy().ends_with(".json") {
                    out.push(path);
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = Vec::new();
        files(&root.join("../fixtures/scenarios"), &mut paths);
        files(&root.join("tests/data"), &mut paths);
        paths.sort();
        let mut steps = Vec::new();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let Ok(top) = super::super::parse_top(&text) else { continue };
            for step in top.steps {
                let tag = serde_json::from_str::<serde_json::Value>(step.get())
                    .ok()
                    .and_then(|v| v["step"].as_str().map(str::to_owned));
                if let Some(name) = tag.and_then(|t| ["call", "query"].into_iter().find(|n| *n == t)) {
                    steps.push((step.get().to_owned(), name));
                }
            }
        }
        steps
    }

    #[test]
    fn bundled_calls_are_read_as_the_general_way_reads_them() {
        let steps = bundled_calls();
        let read = steps.iter().filter(|(text, name)| agrees(text, name)).count();
        // Those not read have escapes, numbers, `null`s, `file:` values or errors (the bad-input fixtures).
        assert!(steps.len() >= 100 && read * 10 >= steps.len() * 8, "{read} of {} read", steps.len());
        // Whatever the layout: keys sorted, no whitespace, whitespace before the step, whitespace
        // on both sides of each colon.
        for (text, name) in &steps {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            let compact = serde_json::to_string(&value).unwrap();
            let pretty = format!(" \n{}", serde_json::to_string_pretty(&value).unwrap());
            let spaced = compact.replace("\":", "\" :\t");
            for other in [compact, pretty, spaced] {
                assert_eq!(
                    read_call(&other, name, Quotes::Kept).is_some(),
                    read_call(text, name, Quotes::Kept).is_some(),
                    "{other}"
                );
                agrees(&other, name);
            }
            // Read only as the kind its tag names, and with text after it.
            let other = if *name == "call" { "query" } else { "call" };
            assert!(read_call(text, other, Quotes::Kept).is_none());
            agrees(&format!("{text} ,{{}}"), name);
        }
    }

    #[test]
    fn damaged_calls_are_declined_or_read_as_the_general_way_reads_them() {
        // Splices that make JSON invalid, make it valid in ways the reader declines, or keep it
        // plain (a repeated key, an unknown one, another kind's tag, nesting).
        const SPLICES: &[&str] = &[
            "\"",
            "\\",
            ",",
            ":",
            "{",
            "}",
            "[",
            "]",
            "null",
            "1",
            "true",
            " ",
            "\n",
            "\"x\"",
            "\u{1}",
            "\"id\": \"a\", ",
            "\"step\": \"query\", ",
            "\"expect\": {}, ",
            "\"to\": \"b\", ",
            "\"out\": [[\"1\"]], ",
            "\"logs\": \"*\", ",
            "\"logs\": [\"+\"], ",
            "\"error\": {\"signature\": \"E()\"}, ",
            "\"error\": \"*\", ",
            "\"topics\": [[\"0x01\", \"0x02\"]], ",
            "\"é\": \"\", ",
            "\\u0041",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let (mut read, mut total) = (0, 0);
        for (text, name) in bundled_calls() {
            for _ in 0..150 {
                let at = |i: usize| (0..=i).rev().find(|&j| text.is_char_boundary(j)).unwrap_or(0);
                let i = at(next(text.len() + 1));
                let j = at((i + next(4)).min(text.len()));
                let damaged = match next(3) {
                    0 => format!("{}{}", &text[..i], &text[j..]),
                    1 => format!("{}{}{}", &text[..i], SPLICES[next(SPLICES.len())], &text[i..]),
                    _ => format!("{}{}{}", &text[..i], SPLICES[next(SPLICES.len())], &text[j..]),
                };
                total += 1;
                read += usize::from(agrees(&damaged, name));
            }
        }
        // Many damaged copies stay plain calls (a changed letter in a value, an extra field).
        assert!(read * 10 > total, "only {read} of {total} damaged copies read");
    }

    #[test]
    fn each_rule_and_form_is_read_as_the_general_way_reads_it() {
        let call = |tx: &str, expect: &str| {
            format!(r#"{{"step": "call", "tx": {{"to": "address:token", {tx}}}, "expect": {{{expect}}}}}"#)
        };
        let from = r#""from": "address:alice""#;
        let transfer = r#""from": "address:alice", "function": "transfer(address,uint256)(bool)""#;
        let log = |fields: &str| format!(r#""logs": [{{"address": "address:token", {fields}}}]"#);
        // Read, and read as the general way reads it.
        let read = [
            call(transfer, r#""status": "success", "out": ["true"], "gasUsed": "<=1,000", "ink": "*""#),
            call(&format!(r#"{transfer}, "args": ["address:bob", "0x01"], "value": "1", "gasLimit": "100000""#), ""),
            call(r#""from": "address:alice", "function": "f((uint8,uint8[]))", "args": [["1", ["2", "3"]]]"#, ""),
            call(&format!(r#"{from}, "data": "0x1234", "gasPrice": "7""#), r#""out": "0x01", "error": "*""#),
            call(from, r#""out": "*", "error": "str:no", "logs": "*""#),
            call(from, r#""error": {"signature": "Low(uint256)", "args": ["*"]}, "status": "revert""#),
            call(from, &log(r#""event": "E(uint256 indexed)", "args": ["1"]"#)),
            call(from, &log(r#""topics": ["*", "0x01"], "data": "0x02""#)),
            call(from, r#""logs": [{"address": "*"}, "+"]"#),
            call(from, r#""logs": []"#),
            r#"{"step": "query", "id": "q", "comment": "c", "tx": {"to": "0x00000000000000000000000000000000000000aa"}}"#
                .to_string(),
        ];
        for text in &read {
            let name = if text.contains("query") { "query" } else { "call" };
            assert!(agrees(text, name), "not read: {text}");
        }
        // Errors of the interpretation: declined, and the general way fails too.
        let errors = [
            call(r#""function": "f()""#, ""),
            call(r#""from": "address:alice", "function": "f()", "data": "0x""#, ""),
            call(r#""from": "address:alice", "args": ["1"]"#, ""),
            call(r#""from": "address:alice", "function": "f()""#, r#""out": ["1"]"#),
            call(from, &log(r#""args": ["1"]"#)),
            call(from, &log(r#""event": "E()", "topics": []"#)),
            call(from, &log(r#""event": "E(", "args": []"#)),
            call(from, r#""logs": ["+", {"address": "*"}]"#),
            call(from, r#""logs": "some""#),
            call(from, r#""address": "address:token""#),
            call(from, r#""dataFee": "1""#),
            call(from, r#""status": "fine""#),
            call(from, r#""gasUsed": "1x""#),
            call(from, r#""error": {"signature": "E(uint256"}"#),
            call(r#""from": "address:alice", "function": "transfer(""#, ""),
            call(r#""from": "address:""#, ""),
            call(r#""from": "0x01""#, ""),
            call(r#""from": "address:alice", "gasLimit": "0x010000000000000000""#, ""),
            call(r#""from": "address:alice", "value": "file:missing.bin""#, ""),
        ];
        for text in &errors {
            assert!(read_call(text, "call", Quotes::Kept).is_none(), "read: {text}");
            assert!(general(text, "call").is_none(), "the general way reads: {text}");
        }
        // A file's bytes are read from the scenario's folder, which only the general way knows.
        let file = call(r#""from": "address:alice", "data": "file:Cargo.toml""#, "");
        assert!(read_call(&file, "call", Quotes::Kept).is_none() && general(&file, "call").is_some());
    }
}
