//! A reader for the commonest step, a `call` or `query` written plainly: every key and string
//! without escapes, no number, `true`, `false` or `null`, no repeated key, only the fields the
//! raw structs have. It gives exactly the [`CallRaw`] serde gives for such a step, with two
//! thirds of serde's instructions (8.8k against 13.5k for the ERC-20 bench's transfer: strings
//! and runs of spaces are scanned eight bytes at a time, keys matched once), and declines
//! everything else (`None`), which then goes to serde, whose result and errors are the format's.
//! Adding a field to the raw structs without adding it here only makes the steps that use it
//! take serde's way. The tests hold the two readers equal on the bundled calls and thousands of
//! damaged copies of them.

use super::StepRaw;
use super::common::{AbiRaw, StepTag, Text, ValueRaw};
use super::expect::{CustomErrorRaw, ErrorRaw, ExpectRaw, LogEntryRaw, LogRaw, LogsRaw};
use super::steps::{CallRaw, CallTxRaw};
use crate::locate::Scanner;

/// Lists nested deeper than this are declined (serde's own limit is 128 levels).
const MAX_DEPTH: usize = 32;

/// The `call` or `query` step (`name`) at the start of `rest` and the length of its text, when
/// it is written plainly and its own `step` tag is `name`; `None` otherwise.
pub(crate) fn read_call(rest: &str, name: &str) -> Option<(StepRaw, usize)> {
    let (wrap, name): (fn(Box<CallRaw>) -> StepRaw, &'static str) = match name {
        "call" => (StepRaw::Call, "call"),
        "query" => (StepRaw::Query, "query"),
        _ => return None,
    };
    let mut r = Plain { text: rest, at: Scanner::new(rest) };
    let (mut step, mut id, mut comment, mut tx, mut expect) = (None, None, None, None, None);
    r.at.ws();
    r.object(|r, key| match key {
        "step" => set(&mut step, r.tag()?),
        "id" => set(&mut id, r.text()?),
        "comment" => set(&mut comment, r.text()?),
        "tx" => set(&mut tx, r.call_tx()?),
        "expect" => set(&mut expect, r.expect()?),
        _ => None,
    })?;
    (step? == StepTag(Some(name))).then_some(())?;
    let call = CallRaw { step, id, comment, tx: tx?, expect };
    Some((wrap(Box::new(call)), r.at.i))
}

/// Fills an empty slot; `None` (decline) when the field was already given.
fn set<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    slot.is_none().then(|| *slot = Some(value))
}

/// The cursor over the step's text.
struct Plain<'a> {
    text: &'a str,
    at: Scanner<'a>,
}

impl<'a> Plain<'a> {
    /// An object: `field` reads the value of each key (and declines unknown ones).
    fn object(&mut self, mut field: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.at.eat(b'{')?;
        self.at.ws();
        if self.at.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.at.ws();
            self.at.eat(b':')?;
            self.at.ws();
            field(self, key)?;
            self.at.ws();
            if self.at.eat(b',').is_none() {
                return self.at.eat(b'}');
            }
            self.at.ws();
        }
    }

    /// A list, each element read by `item`.
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.at.eat(b'[')?;
        self.at.ws();
        if self.at.eat(b']').is_some() {
            return Some(Vec::new());
        }
        // Room for four, as the first push would make, without growing from nothing.
        let mut items = Vec::with_capacity(4);
        loop {
            items.push(item(self)?);
            self.at.ws();
            if self.at.eat(b',').is_none() {
                self.at.eat(b']')?;
                return Some(items);
            }
            self.at.ws();
        }
    }

    /// A string without escapes or control characters (which serde rejects).
    fn string(&mut self) -> Option<&'a str> {
        self.at.eat(b'"')?;
        let start = self.at.i;
        let len = plain_len(self.text.as_bytes().get(start..)?)?;
        self.at.i = start + len + 1;
        self.text.get(start..start + len)
    }

    fn text(&mut self) -> Option<Text> {
        self.string().map(|s| Text(s.to_owned()))
    }

    fn tag(&mut self) -> Option<StepTag> {
        self.string().map(StepTag::of)
    }

    fn is_next(&self, byte: u8) -> bool {
        self.at.peek() == Some(byte)
    }

    fn value(&mut self) -> Option<ValueRaw> {
        if self.is_next(b'[') {
            self.list(|r| r.string().map(str::to_owned)).map(ValueRaw::List)
        } else {
            self.string().map(|s| ValueRaw::Str(s.to_owned()))
        }
    }

    fn abi(&mut self, depth: usize) -> Option<AbiRaw> {
        if self.is_next(b'[') && depth < MAX_DEPTH {
            self.list(|r| r.abi(depth + 1)).map(AbiRaw::List)
        } else {
            self.string().map(|s| AbiRaw::Str(s.to_owned()))
        }
    }

    fn abi_list(&mut self) -> Option<Vec<AbiRaw>> {
        self.list(|r| r.abi(1))
    }

    fn call_tx(&mut self) -> Option<CallTxRaw> {
        let mut tx = CallTxRaw {
            from: None,
            to: ValueRaw::Str(String::new()),
            function: None,
            args: None,
            data: None,
            value: None,
            gas_limit: None,
            gas_price: None,
        };
        let mut to = None;
        self.object(|r, key| match key {
            "from" => set(&mut tx.from, r.value()?),
            "to" => set(&mut to, r.value()?),
            "function" => set(&mut tx.function, r.text()?),
            "args" => set(&mut tx.args, r.abi_list()?),
            "data" => set(&mut tx.data, r.value()?),
            "value" => set(&mut tx.value, r.value()?),
            "gasLimit" => set(&mut tx.gas_limit, r.value()?),
            "gasPrice" => set(&mut tx.gas_price, r.value()?),
            _ => None,
        })?;
        tx.to = to?;
        Some(tx)
    }

    /// Built in its box: the struct is large, and moving it in costs a copy per step.
    fn expect(&mut self) -> Option<Box<ExpectRaw>> {
        let mut e = Box::new(ExpectRaw {
            status: None,
            out: None,
            error: None,
            logs: None,
            address: None,
            gas_used: None,
            ink: None,
            data_fee: None,
            version: None,
            module_hash: None,
            footprint: None,
            init_cost: None,
            cached_cost: None,
            asm_estimate: None,
        });
        self.object(|r, key| match key {
            "status" => set(&mut e.status, r.text()?),
            "out" => set(&mut e.out, r.abi(0)?),
            "error" => set(&mut e.error, r.error()?),
            "logs" => set(&mut e.logs, r.logs()?),
            "address" => set(&mut e.address, r.value()?),
            "gasUsed" => set(&mut e.gas_used, r.text()?),
            "ink" => set(&mut e.ink, r.text()?),
            "dataFee" => set(&mut e.data_fee, r.value()?),
            "version" => set(&mut e.version, r.value()?),
            "moduleHash" => set(&mut e.module_hash, r.value()?),
            "footprint" => set(&mut e.footprint, r.value()?),
            "initCost" => set(&mut e.init_cost, r.value()?),
            "cachedCost" => set(&mut e.cached_cost, r.value()?),
            "asmEstimate" => set(&mut e.asm_estimate, r.value()?),
            _ => None,
        })?;
        Some(e)
    }

    fn error(&mut self) -> Option<ErrorRaw> {
        if !self.is_next(b'{') {
            return self.string().map(|s| ErrorRaw::Message(s.to_owned()));
        }
        let (mut signature, mut args) = (None, None);
        self.object(|r, key| match key {
            "signature" => set(&mut signature, r.text()?),
            "args" => set(&mut args, r.abi_list()?),
            _ => None,
        })?;
        Some(ErrorRaw::Custom(CustomErrorRaw { signature: signature?, args }))
    }

    fn logs(&mut self) -> Option<LogsRaw> {
        if !self.is_next(b'[') {
            return (self.string()? == "*").then_some(LogsRaw::Any);
        }
        self.list(|r| {
            if !r.is_next(b'{') {
                return (r.string()? == "+").then_some(LogEntryRaw::More);
            }
            let mut log =
                LogRaw { address: ValueRaw::Str(String::new()), topics: None, data: None, event: None, args: None };
            let mut address = None;
            r.object(|r, key| match key {
                "address" => set(&mut address, r.value()?),
                "topics" => set(&mut log.topics, r.list(Self::value)?),
                "data" => set(&mut log.data, r.value()?),
                "event" => set(&mut log.event, r.text()?),
                "args" => set(&mut log.args, r.abi_list()?),
                _ => None,
            })?;
            log.address = address?;
            Some(LogEntryRaw::Log(log))
        })
        .map(LogsRaw::List)
    }
}

/// The length of the string whose text starts `bytes` (up to its closing quote), when it has no
/// escape or control character before the quote. Eight bytes are looked at a time: string
/// values are where a step's bytes are.
fn plain_len(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // The high bit of each byte that is zero (exact for the lowest such byte, which is all that
    // is used), and of each byte below 0x20.
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let x = u64::from_le_bytes(chunk.try_into().ok()?);
        let stops = zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')))
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGHS);
        if stops != 0 {
            at += (stops.trailing_zeros() / 8) as usize;
            return (bytes[at] == b'"').then_some(at);
        }
        at += 8;
    }
    let end = at + bytes[at..].iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    (bytes[end] == b'"').then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// What serde reads at the start of `rest` as a `name` step, and where it stops.
    fn serde_read(rest: &str, name: &str) -> Option<(StepRaw, usize)> {
        let mut values = serde_json::Deserializer::from_str(rest).into_iter::<CallRaw>();
        let call = Box::new(values.next()?.ok()?);
        let offset = values.byte_offset();
        Some((if name == "call" { StepRaw::Call(call) } else { StepRaw::Query(call) }, offset))
    }

    /// Whatever the reader accepts, serde reads the same way.
    fn agrees(text: &str, name: &str) -> bool {
        let Some(read) = read_call(text, name) else { return false };
        assert_eq!(Some(&read), serde_read(text, name).as_ref(), "{name}: {text}");
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
    fn bundled_calls_are_read_as_serde_reads_them() {
        let steps = bundled_calls();
        let read = steps.iter().filter(|(text, name)| agrees(text, name)).count();
        // Those not read have escapes, numbers or `null`s (the bad-input fixtures).
        assert!(steps.len() >= 100 && read * 10 >= steps.len() * 8, "{read} of {} read", steps.len());
        // Whatever the layout: keys sorted, no whitespace, whitespace before the step.
        for (text, name) in &steps {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            let compact = serde_json::to_string(&value).unwrap();
            let pretty = format!(" \n{}", serde_json::to_string_pretty(&value).unwrap());
            for other in [compact, pretty] {
                assert_eq!(read_call(&other, name).is_some(), read_call(text, name).is_some(), "{other}");
                agrees(&other, name);
            }
            // Read only as the kind its tag names, and with text after it.
            let other = if *name == "call" { "query" } else { "call" };
            assert!(read_call(text, other).is_none());
            agrees(&format!("{text} ,{{}}"), name);
        }
    }

    #[test]
    fn strings_end_at_their_quote_and_escapes_or_control_characters_are_declined() {
        let naive = |bytes: &[u8]| {
            let end = bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            (bytes[end] == b'"').then_some(end)
        };
        // Each special byte at each place of strings of every length across the 8-byte steps.
        for len in 0..40 {
            for at in 0..=len {
                for special in [b'"', b'\\', 0x00, 0x1f, b'\n', 0x20, 0x7f, 0x80, 0xff] {
                    let mut bytes = vec![b'a'; len];
                    bytes.insert(at, special);
                    bytes.extend_from_slice(b"\"rest\\\"");
                    assert_eq!(plain_len(&bytes), naive(&bytes), "{bytes:?}");
                }
            }
        }
        // serde rejects what is declined for a control character.
        let tx = |s: &str| format!("{{\"step\": \"call\", \"tx\": {{\"to\": \"{s}\"}}}}");
        for s in ["a\u{1}", "abcdefghij\u{1f}", "\t", "abcdefg\n"] {
            assert_eq!((read_call(&tx(s), "call"), serde_read(&tx(s), "call")), (None, None), "{s:?}");
        }
        assert!(agrees(&tx("abcdefghijklmnop\u{7f}é"), "call"));
    }

    #[test]
    fn damaged_calls_are_declined_or_read_as_serde_reads_them() {
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
}
