//! Bytes → expression → bytes round trips, one per prefix family.

use scenario_format::value::{Hint, interpret, reconstruct};
use std::path::Path;

fn round_trip(expr: &str, hint: Hint) -> String {
    let bytes = interpret(expr, Path::new(".")).unwrap();
    let text = reconstruct(&bytes, hint);
    assert_eq!(interpret(&text, Path::new(".")).unwrap(), bytes, "{expr} -> {text}");
    text
}

#[test]
fn numbers() {
    assert_eq!(round_trip("1,000", Hint::Number), "1000");
    assert_eq!(round_trip("0", Hint::Number), "0");
    assert_eq!(round_trip("u64:7", Hint::Number), "u64:7");
    assert_eq!(round_trip("u256:0", Hint::Number), "u256:0");
    let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    assert_eq!(round_trip(max, Hint::Number), max);
    round_trip("i16:-2", Hint::Number);
    round_trip("0x0000000000000000000000000000000000000000000000000000000000000000000001", Hint::Number);
}

#[test]
fn addresses() {
    assert_eq!(round_trip("address:alice", Hint::Auto), "address:alice");
    assert_eq!(round_trip("address:alice", Hint::Address), "address:alice");
    assert_eq!(round_trip("address:a_b", Hint::Address), "address:a_b");
    assert_eq!(round_trip("address:____", Hint::Address), "address:_");
    let raw = "0x00000000000000000000000000000000000000ff";
    assert_eq!(round_trip(raw, Hint::Address), raw);
}

#[test]
fn strings() {
    assert_eq!(round_trip("str:hello world", Hint::Auto), "str:hello world");
    assert_eq!(round_trip("0x617c62", Hint::Str), "0x617c62"); // "a|b": `|` cannot appear after str:
    assert_eq!(round_trip("str:", Hint::Str), "");
    assert_eq!(round_trip("0x00ff", Hint::Str), "0x00ff");
}

#[test]
fn bytes_and_words() {
    assert_eq!(round_trip("0x0a1b", Hint::Bytes), "0x0a1b");
    assert_eq!(round_trip("0x", Hint::Bytes), "");
    assert_eq!(round_trip("true", Hint::Auto), "0x01");
    let word = interpret("word:address:alice", Path::new(".")).unwrap();
    assert_eq!(reconstruct(&word, Hint::Word), "address:alice");
    let word = interpret("word:5", Path::new(".")).unwrap();
    let text = reconstruct(&word, Hint::Word);
    assert_eq!(text, "5");
    assert_eq!(interpret(&format!("word:{text}"), Path::new(".")).unwrap(), word);
    let hash = interpret("keccak256:str:x", Path::new(".")).unwrap();
    assert_eq!(round_trip("keccak256:str:x", Hint::Word), reconstruct(&hash, Hint::Bytes));
}
