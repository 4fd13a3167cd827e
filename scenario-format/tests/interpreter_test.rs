//! Value expressions, one test per prefix family, through the public API only.

use alloy_primitives::keccak256;
use scenario_format::value::{ValueError, interpret};
use std::path::{Path, PathBuf};

fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn ok(expr: &str) -> Vec<u8> {
    interpret(expr, here()).unwrap_or_else(|e| panic!("{expr}: {e}")).to_vec()
}

fn err(expr: &str) -> ValueError {
    interpret(expr, here()).expect_err(expr)
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn alice() -> Vec<u8> {
    let mut a = b"alice".to_vec();
    a.resize(20, b'_');
    a
}

fn pad32(b: &[u8]) -> Vec<u8> {
    let mut out = vec![0; 32 - b.len()];
    out.extend_from_slice(b);
    out
}

#[test]
fn empty_and_booleans() {
    assert_eq!(ok(""), Vec::<u8>::new());
    assert_eq!(ok("true"), vec![1]);
    assert_eq!(ok("false"), Vec::<u8>::new());
}

#[test]
fn decimal_numbers_are_minimal_big_endian() {
    assert_eq!(ok("0"), Vec::<u8>::new());
    assert_eq!(ok("1000"), vec![0x03, 0xe8]);
    assert_eq!(ok("1_000"), vec![0x03, 0xe8]);
    assert_eq!(ok("1,000"), vec![0x03, 0xe8]);
    assert_eq!(ok("255"), vec![0xff]);
    assert_eq!(ok("256"), vec![1, 0]);
    assert_eq!(ok("000001"), vec![1]);
    // The largest value, and one more (digits only, and with separators).
    let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    assert_eq!(ok(max), vec![0xff; 32]);
    let over = "115792089237316195423570985008687907853269984665640564039457584007913129639936";
    assert!(matches!(err(over), ValueError::DecimalTooBig(_)));
    assert!(matches!(err(&format!("1,{over}")), ValueError::DecimalTooBig(_)));
    assert!(matches!(err("12a"), ValueError::BadNumber(t) if t == "12a"));
    assert!(matches!(err("1_"), ValueError::BadNumber(_)));
    assert!(matches!(err("-5"), ValueError::Negative(_)));
    assert!(matches!(err("hello"), ValueError::BadNumber(_)));
}

#[test]
fn hex_bytes() {
    assert_eq!(ok("0x"), Vec::<u8>::new());
    assert_eq!(ok("0x0a1b"), vec![0x0a, 0x1b]);
    assert_eq!(ok("0x0A1B"), vec![0x0a, 0x1b]);
    assert_eq!(ok("0x0000"), vec![0, 0]);
    assert!(matches!(err("0x123"), ValueError::OddHex(t) if t == "0x123"));
    assert!(matches!(err("0xzz"), ValueError::BadHex(_)));
}

#[test]
fn fixed_width_unsigned() {
    assert_eq!(ok("u8:5"), vec![5]);
    assert_eq!(ok("u16:1,000"), vec![0x03, 0xe8]);
    assert_eq!(ok("u64:1000"), hex("00000000000003e8"));
    assert_eq!(ok("u256:0"), vec![0; 32]);
    assert_eq!(ok("u24:0x01"), vec![0, 0, 1]);
    assert_eq!(ok("u8:255"), vec![255]);
    assert!(matches!(err("u8:256"), ValueError::Overflow { bits: 8, .. }));
    assert!(matches!(err("u16:0x010203"), ValueError::Overflow { bits: 16, .. }));
    assert!(matches!(err("u7:1"), ValueError::Width(p) if p == "u7:"));
    assert!(matches!(err("u264:1"), ValueError::Width(_)));
    assert!(matches!(err("u0:1"), ValueError::Width(_)));
    assert!(matches!(err("u8:-1"), ValueError::Negative(_)));
}

#[test]
fn fixed_width_signed() {
    assert_eq!(ok("i16:-2"), vec![0xff, 0xfe]);
    assert_eq!(ok("i8:-1"), vec![0xff]);
    assert_eq!(ok("i8:-128"), vec![0x80]);
    assert_eq!(ok("i8:127"), vec![0x7f]);
    assert_eq!(ok("i8:0"), vec![0]);
    assert_eq!(ok("i256:-1"), vec![0xff; 32]);
    assert_eq!(ok("i32:5"), vec![0, 0, 0, 5]);
    assert!(matches!(err("i8:128"), ValueError::Overflow { bits: 8, kind: "signed", .. }));
    assert!(matches!(err("i8:-129"), ValueError::Overflow { .. }));
    assert!(matches!(err("i12:1"), ValueError::Width(_)));
}

#[test]
fn strings() {
    assert_eq!(ok("str:hello"), b"hello".to_vec());
    assert_eq!(ok("str:"), Vec::<u8>::new());
    assert_eq!(ok("str:a:b"), b"a:b".to_vec());
    assert_eq!(ok("str:héllo"), "héllo".as_bytes().to_vec());
}

#[test]
fn addresses() {
    assert_eq!(ok("address:alice"), alice());
    assert_eq!(ok("address:a.b-c_d"), {
        let mut a = b"a.b-c_d".to_vec();
        a.resize(20, b'_');
        a
    });
    assert_eq!(ok("address:abcdefghijklmnopqrst"), b"abcdefghijklmnopqrst".to_vec());
    assert!(matches!(err("address:abcdefghijklmnopqrstu"), ValueError::AddressName(_)));
    assert!(matches!(err("address:"), ValueError::AddressName(_)));
    assert!(matches!(err("address:a b"), ValueError::AddressName(_)));
}

#[test]
fn words() {
    assert_eq!(ok("word:5"), pad32(&[5]));
    assert_eq!(ok("word:"), vec![0; 32]);
    assert_eq!(ok("word:address:alice"), pad32(&alice()));
    assert!(matches!(err(&format!("word:0x{}", "11".repeat(33))), ValueError::WordTooLong(33)));
}

#[test]
fn files_are_relative_to_the_base_dir() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("interpreter_files");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("data.bin"), [1u8, 2, 3]).unwrap();
    assert_eq!(interpret("file:data.bin", &dir).unwrap().to_vec(), vec![1, 2, 3]);
    assert_eq!(interpret("file:data.bin|0x04", &dir).unwrap().to_vec(), vec![1, 2, 3, 4]);
    assert!(matches!(interpret("file:missing.bin", &dir), Err(ValueError::File { .. })));
}

#[test]
fn keccak_hashes_everything_to_its_right() {
    assert_eq!(ok("keccak256:"), keccak256([]).to_vec());
    assert_eq!(
        ok("keccak256:str:Transfer(address,address,uint256)"),
        hex("ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
    );
    // balances[alice], mapping at slot 0.
    let mut preimage = pad32(&alice());
    preimage.extend(pad32(&[]));
    assert_eq!(ok("keccak256:word:address:alice|u256:0"), keccak256(&preimage).to_vec());
    // allowance[alice][bob] at slot 1: keccak(pad(bob) ++ keccak(pad(alice) ++ pad(1))).
    let mut bob = b"bob".to_vec();
    bob.resize(20, b'_');
    let mut inner = pad32(&alice());
    inner.extend(pad32(&[1]));
    let mut outer = pad32(&bob);
    outer.extend(keccak256(&inner).as_slice());
    assert_eq!(ok("keccak256:word:address:bob|keccak256:word:address:alice|u256:1"), keccak256(&outer).to_vec());
}

#[test]
fn precedence() {
    // Concatenation before keccak: the hash covers later parts.
    assert_eq!(ok("0x01|keccak256:0x02|0x03"), {
        let mut v = vec![1];
        v.extend(keccak256([2u8, 3]).as_slice());
        v
    });
    // Prefixes apply right to left within a part; `|` ends a part.
    assert_eq!(ok("word:address:alice|u8:1"), {
        let mut v = pad32(&alice());
        v.push(1);
        v
    });
    // keccak256 after another prefix hashes the rest of its own part only.
    assert_eq!(ok("word:keccak256:0x01|0x02"), {
        let mut v = keccak256([1u8]).to_vec();
        v.push(2);
        v
    });
    assert_eq!(ok("u16:true"), vec![0, 1]);
    assert_eq!(ok("0x01||0x02"), vec![1, 2]);
    assert_eq!(ok("str:a|str:b"), b"ab".to_vec());
}

#[test]
fn unknown_prefixes_and_star() {
    match err("foo:1") {
        ValueError::UnknownPrefix { prefix, text } => {
            assert_eq!((prefix.as_str(), text.as_str()), ("foo:", "foo:1"));
        }
        other => panic!("{other:?}"),
    }
    assert!(err("foo:1").to_string().contains("expected one of str:, address:"));
    assert!(matches!(err("*"), ValueError::Star));
    assert!(matches!(err("0x01|bad"), ValueError::BadNumber(t) if t == "bad"));
}
