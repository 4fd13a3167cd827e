//! Interpreted values: the bytes (or number, address, word) next to the original text.

use super::ValueBytes;
use super::interpret::{ValueError, interpret};
use super::number::left_pad;
use super::prefixes::WORD_LEN;
use alloy_primitives::{Address, B256, U256};
use std::path::Path;

/// Any byte string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BytesValue {
    /// The expression as written (a JSON list is kept as its JSON text).
    pub original: String,
    /// Its bytes.
    pub value: ValueBytes,
}

/// A number: the expression's bytes read as unsigned big-endian (at most 32 bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct U256Value {
    /// The expression as written.
    pub original: String,
    /// Its value.
    pub value: U256,
}

/// An address: the expression must give exactly 20 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressValue {
    /// The expression as written.
    pub original: String,
    /// Its value.
    pub value: Address,
}

/// A 32-byte word (storage key or value, log topic): shorter bytes are left-padded with zeros,
/// longer ones are an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordValue {
    /// The expression as written.
    pub original: String,
    /// Its value.
    pub value: B256,
}

/// An expectation: `"*"` (not checked) or a value to compare with.
/// An omitted field is `None` around this, and is not checked either.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check<T> {
    /// `"*"`: anything is accepted.
    Any,
    /// This value is expected.
    Exact(T),
}

impl<T> Check<T> {
    /// The expected value, `None` for `*`.
    pub fn exact(&self) -> Option<&T> {
        match self {
            Check::Any => None,
            Check::Exact(v) => Some(v),
        }
    }

    /// Whether `actual` passes: always for `*`, else by `eq`.
    pub fn accepts<A>(&self, actual: A, eq: impl FnOnce(&T, A) -> bool) -> bool {
        self.exact().is_none_or(|want| eq(want, actual))
    }
}

/// An ABI argument: a JSON string is one value expression (left unencoded: its bytes), a JSON
/// list is an array or tuple. The runner encodes it by the parameter type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AbiValue {
    /// A value expression's bytes.
    Leaf(BytesValue),
    /// An array or tuple.
    List(Vec<AbiValue>),
}

/// An expected ABI value (`out`, event and error `args`): like [`AbiValue`], but any element,
/// at any depth, may be `"*"` (`Check::Any`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AbiExpect {
    /// A value expression's bytes.
    Leaf(BytesValue),
    /// An array or tuple whose elements are checked one by one.
    List(Vec<Check<AbiExpect>>),
}

impl BytesValue {
    /// Interprets an expression.
    pub fn interpret(expr: &str, base_dir: &Path) -> Result<Self, ValueError> {
        Ok(BytesValue { original: expr.to_owned(), value: interpret(expr, base_dir)? })
    }
}

impl U256Value {
    /// Reads bytes as an unsigned big-endian number (at most 32 bytes).
    pub fn from_bytes(bytes: BytesValue) -> Result<Self, ValueError> {
        let value = left_pad(&bytes.value, WORD_LEN)
            .map(|w| U256::from_be_slice(&w))
            .ok_or_else(|| length(&bytes, "a number of at most 32 bytes"))?;
        Ok(U256Value { original: bytes.original, value })
    }
}

impl AddressValue {
    /// The address of a plain `address:NAME` (what its bytes would give); `None` for any other
    /// expression, or a name that is not valid (the general interpretation words the error).
    pub(crate) fn named(text: &str) -> Option<Address> {
        let name = text.strip_prefix(super::prefixes::ADDRESS)?;
        if name.contains(super::prefixes::CONCAT) {
            return None;
        }
        super::named_address(name).ok()
    }

    /// Requires exactly 20 bytes.
    pub fn from_bytes(bytes: BytesValue) -> Result<Self, ValueError> {
        if bytes.value.len() != 20 {
            return Err(length(&bytes, "an address of 20 bytes (`address:name` or 0x + 40 hex digits)"));
        }
        Ok(AddressValue { value: Address::from_slice(&bytes.value), original: bytes.original })
    }
}

impl WordValue {
    /// Left-pads to 32 bytes; more than 32 (after leading zeros) is an error.
    pub fn from_bytes(bytes: BytesValue) -> Result<Self, ValueError> {
        let word = left_pad(&bytes.value, WORD_LEN).ok_or_else(|| length(&bytes, "a word of at most 32 bytes"))?;
        Ok(WordValue { value: B256::from_slice(&word), original: bytes.original })
    }
}

/// Reads bytes as an unsigned number that must fit 64 bits.
pub(crate) fn to_u64(bytes: &BytesValue) -> Result<u64, ValueError> {
    let padded = left_pad(&bytes.value, 8).ok_or_else(|| length(bytes, "a number below 2^64"))?;
    let mut word = [0u8; 8];
    word.copy_from_slice(&padded);
    Ok(u64::from_be_bytes(word))
}

fn length(bytes: &BytesValue, expected: &'static str) -> ValueError {
    ValueError::Length { text: super::interpret::abbreviate(&bytes.original), len: bytes.value.len(), expected }
}
