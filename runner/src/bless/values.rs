//! Actual values written back as scenario text, in the style of the value they replace (digit
//! grouping, hex, `uN:`), and checked: every expression is interpreted again and must give the
//! actual bytes, or the value is not blessed.

use std::path::Path;

use alloy_dyn_abi::{DynSolType, DynSolValue};
use alloy_primitives::U256;
use scenario_format::{AbiValue, BytesValue, Hint, reconstruct};
use serde_json::Value;

use crate::abi::{render, to_sol_value};

/// A number in the style of `old` (the expression it replaces, without any `<=`/`>=`):
/// `1,000` and `1_000` keep their separator, `0x…` stays hex, `uN:` keeps its width.
pub(super) fn number_like(old: &str, value: U256) -> String {
    let old = old.trim();
    if old.starts_with("0x") {
        let hex = format!("{value:x}");
        return format!("0x{}{hex}", if hex.len() % 2 == 1 { "0" } else { "" });
    }
    if let Some((prefix, _)) = old.split_once(':')
        && prefix.starts_with('u')
        && prefix[1..].parse::<u16>().is_ok_and(|bits| bits <= 256 && (bits == 256 || value < U256::from(1) << bits))
    {
        return format!("{prefix}:{value}");
    }
    let digits = value.to_string();
    match [',', '_'].into_iter().find(|sep| old.contains(*sep)) {
        Some(sep) => group(&digits, sep),
        None => digits,
    }
}

fn group(digits: &str, sep: char) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A comparison (`N`, `<=N`, `>=N`) for `actual` keeping `old`'s operator and number style.
pub(super) fn comparison_like(old: &str, actual: u64) -> String {
    let (op, rest) = ["<=", ">="].iter().find_map(|op| old.strip_prefix(op).map(|r| (*op, r))).unwrap_or(("", old));
    format!("{op}{}", number_like(rest, U256::from(actual)))
}

/// An expression for a 32-byte word (storage value, topic) in `old`'s style when `old` is a
/// number, else readable (`address:alice`, a number, hex); `None` if none interprets back.
pub(super) fn word_like(old: Option<&str>, word: U256, base: &Path) -> Option<String> {
    let numeric = old.is_some_and(|o| {
        let o = o.trim();
        o.starts_with("0x") || o.chars().next().is_some_and(|c| c.is_ascii_digit())
    });
    let bytes = word.to_be_bytes::<32>();
    let text = match old {
        Some(o) if numeric => number_like(o, word),
        _ => reconstruct(&bytes, Hint::Word),
    };
    let back = BytesValue::interpret(&text, base).ok()?;
    let padded = scenario_format::WordValue::from_bytes(back).ok()?;
    (padded.value.0 == bytes).then_some(text)
}

/// An expression for raw bytes (`out` as one string, raw log data): a 32-byte value as `u256:N`,
/// else readable or hex; checked to interpret back to `bytes`.
pub(super) fn bytes_expression(bytes: &[u8], base: &Path) -> String {
    let candidate =
        if bytes.len() == 32 { format!("u256:{}", U256::from_be_slice(bytes)) } else { reconstruct(bytes, Hint::Auto) };
    match BytesValue::interpret(&candidate, base) {
        Ok(back) if *back.value == *bytes => candidate,
        _ => reconstruct(bytes, Hint::Bytes),
    }
}

/// An ABI value as scenario JSON (a string per leaf, a list per array or tuple), checked to
/// encode back to `value` under `ty`.
pub(super) fn abi_json(value: &DynSolValue, ty: &DynSolType, base: &Path) -> Option<Value> {
    let json = abi_json_unchecked(value);
    let back = to_abi_value(&json, base)?;
    (to_sol_value(&back, ty).ok()? == *value).then_some(json)
}

fn abi_json_unchecked(value: &DynSolValue) -> Value {
    match value {
        DynSolValue::Array(items) | DynSolValue::FixedArray(items) | DynSolValue::Tuple(items) => {
            Value::Array(items.iter().map(abi_json_unchecked).collect())
        }
        // `str:` text with a `|` would read as a concatenation: write its bytes.
        DynSolValue::String(s) if s.contains('|') => Value::String(reconstruct(s.as_bytes(), Hint::Bytes)),
        leaf => Value::String(render(leaf)),
    }
}

fn to_abi_value(json: &Value, base: &Path) -> Option<AbiValue> {
    match json {
        Value::String(text) => Some(AbiValue::Leaf(BytesValue::interpret(text, base).ok()?)),
        Value::Array(items) => {
            Some(AbiValue::List(items.iter().map(|i| to_abi_value(i, base)).collect::<Option<_>>()?))
        }
        _ => None,
    }
}

/// JSON on one line with `", "` and `": "` between items, as hand-written scenarios have it.
pub(super) fn inline_json(value: &Value) -> String {
    match value {
        Value::Array(items) => format!("[{}]", items.iter().map(inline_json).collect::<Vec<_>>().join(", ")),
        Value::Object(map) => {
            let members: Vec<String> = map.iter().map(|(k, v)| format!("{}: {}", quote(k), inline_json(v))).collect();
            if members.is_empty() { "{}".into() } else { format!("{{ {} }}", members.join(", ")) }
        }
        other => other.to_string(),
    }
}

/// A JSON string literal.
pub(super) fn quote(text: &str) -> String {
    Value::String(text.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_style() {
        let n = |old: &str, v: u64| number_like(old, U256::from(v));
        assert_eq!(n("1,000", 1_234_567), "1,234,567");
        assert_eq!(n("1_000", 1234), "1_234");
        assert_eq!(n("5", 1234), "1234");
        assert_eq!(n("0x05", 6), "0x06");
        assert_eq!(n("0x05", 0x123), "0x0123");
        assert_eq!(n("u64:5", 7), "u64:7");
        assert_eq!(n("u8:5", 300), "300", "too wide for u8: plain");
        assert_eq!(comparison_like("<=60,000", 61_250), "<=61,250");
        assert_eq!(comparison_like(">=1", 0), ">=0");
        assert_eq!(comparison_like("58,875", 58_900), "58,900");
    }

    #[test]
    fn words_and_bytes_interpret_back() {
        let base = Path::new(".");
        assert_eq!(word_like(Some("6"), U256::from(7), base).as_deref(), Some("7"));
        assert_eq!(word_like(Some("0x06"), U256::from(7), base).as_deref(), Some("0x07"));
        let mut alice = [b'_'; 20];
        alice[..5].copy_from_slice(b"alice");
        let word = U256::from_be_slice(&alice);
        assert_eq!(word_like(Some("address:bob"), word, base).as_deref(), Some("address:alice"));
        assert_eq!(bytes_expression(&[0xde, 0xad], base), "0xdead");
        assert_eq!(bytes_expression(&U256::from(6).to_be_bytes::<32>(), base), "u256:6");
        assert_eq!(bytes_expression(b"a|b", base), "0x617c62");
        assert_eq!(bytes_expression(&[], base), "");
    }

    #[test]
    fn abi_values_encode_back() {
        let base = Path::new(".");
        let ty = DynSolType::Tuple(vec![DynSolType::Uint(256), DynSolType::String, DynSolType::Bool]);
        let value = DynSolValue::Tuple(vec![
            DynSolValue::Uint(U256::from(5), 256),
            DynSolValue::String("a|b".into()),
            DynSolValue::Bool(true),
        ]);
        let json = abi_json(&value, &ty, base).unwrap();
        assert_eq!(inline_json(&json), r#"["5", "0x617c62", "true"]"#);
    }
}
