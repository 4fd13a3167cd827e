//! Value expressions to bytes: one dispatch function over the prefixes of [`super::prefixes`].

use super::ValueBytes;
use super::number::{Decimal, MAX_DECIMAL_BYTES, fits_signed, left_pad, negate, parse_decimal};
use super::prefixes::*;
use alloy_primitives::{Address, keccak256};
use std::path::Path;

/// Why an expression could not be turned into bytes. Messages are lowercase, "got …, expected …".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// Hex with an odd number of digits.
    #[error("got `{0}` with an odd number of hex digits, expected pairs of hex digits after `0x`")]
    OddHex(String),
    /// Hex with a character that is not a hex digit.
    #[error("got `{0}`, expected only hex digits after `0x`")]
    BadHex(String),
    /// Text that is neither a number nor a known expression.
    #[error(
        "got `{0}`, expected a number (digits, optionally with `_` or `,` separators), `0x` hex, \
         `true`, `false` or a prefixed expression such as `str:`"
    )]
    BadNumber(String),
    /// A `xx:` prefix that does not exist.
    #[error("got unknown prefix `{prefix}` in `{text}`, expected one of {}", VALUE_PREFIXES.join(", "))]
    UnknownPrefix {
        /// The prefix, with its colon.
        prefix: String,
        /// The whole part it starts.
        text: String,
    },
    /// `u7:`, `i512:` …
    #[error("got `{0}`, expected a width that is a multiple of 8 from 8 to 256 (`u8:` … `u256:`)")]
    Width(String),
    /// A number that does not fit its fixed width.
    #[error("got `{text}`, which does not fit in {bits} bits {kind}")]
    Overflow {
        /// The expression.
        text: String,
        /// The width.
        bits: usize,
        /// "unsigned" or "signed".
        kind: &'static str,
    },
    /// A decimal number above 2^256 - 1.
    #[error(
        "got a decimal number `{0}` of more than {MAX_DECIMAL_BYTES} bytes, expected at most 2^256 - 1 (write longer \
         bytes in `0x` hex)"
    )]
    DecimalTooBig(String),
    /// A negative number without a signed prefix, or with `u…:`.
    #[error("got negative number `{0}`, expected a signed width such as `i64:-5`")]
    Negative(String),
    /// An `address:` name that is empty, too long or has other characters.
    #[error("got address name `{0}`, expected 1 to 20 characters of A-Z, a-z, 0-9, `_`, `.`, `-`")]
    AddressName(String),
    /// `word:` of more than 32 bytes.
    #[error("got {0} bytes after `word:`, expected at most 32")]
    WordTooLong(usize),
    /// A `file:` that cannot be read.
    #[error("cannot read `{path}`: {reason}")]
    File {
        /// The path as resolved.
        path: String,
        /// Why: the system's message, not a regular file, too large.
        reason: String,
    },
    /// A code expression with an unknown prefix.
    #[error("got unknown prefix `{prefix}` in `{text}`, expected `evm:`, `wasm:`, `contract:` or a value expression")]
    UnknownCodePrefix {
        /// The prefix, with its colon.
        prefix: String,
        /// The whole expression.
        text: String,
    },
    /// `contract:` without a name.
    #[error("got `{0}`, expected a crate name after `contract:`")]
    ContractName(String),
    /// Prefixes nested deeper than [`MAX_DEPTH`].
    #[error("got more than {MAX_DEPTH} nested prefixes, expected a simpler expression")]
    TooDeep,
    /// `*` where a value is required.
    #[error("got `*`, which is only allowed in expectations (it means: not checked)")]
    Star,
    /// The bytes are too long or short for the field.
    #[error("got {len} bytes from `{text}`, expected {expected}")]
    Length {
        /// The expression.
        text: String,
        /// Its length in bytes.
        len: usize,
        /// What the field needs.
        expected: &'static str,
    },
}

/// Interprets a value expression to bytes; `base_dir` resolves `file:` paths.
///
/// The expression is split on `|`, left to right; each part is a leaf with its prefixes applied
/// right to left, except that a part starting with `keccak256:` hashes the rest of that part
/// together with all the parts after it.
///
/// ```
/// # use scenario_format::value::interpret;
/// # use std::path::Path;
/// assert_eq!(*interpret("1,000", Path::new(".")).unwrap(), [0x03, 0xe8]);
/// assert_eq!(*interpret("i16:-2|true", Path::new(".")).unwrap(), [0xff, 0xfe, 0x01]);
/// ```
pub fn interpret(expr: &str, base_dir: &Path) -> Result<ValueBytes, ValueError> {
    interpret_at(expr, base_dir, 0)
}

/// How deeply prefixes may nest (`word:keccak256:…`), so that no input exhausts the stack.
pub const MAX_DEPTH: usize = 64;

fn interpret_at(expr: &str, base_dir: &Path, depth: usize) -> Result<ValueBytes, ValueError> {
    if depth > MAX_DEPTH {
        return Err(ValueError::TooDeep);
    }
    // The usual expression is one part: its bytes are the result, not copied into another list.
    if !expr.contains(CONCAT) && !expr.starts_with(KECCAK256) {
        return interpret_part(expr, base_dir, depth);
    }
    let mut out = ValueBytes::new();
    let mut rest = expr;
    loop {
        if let Some(hashed) = rest.strip_prefix(KECCAK256) {
            out.extend_from_slice(keccak256(interpret_at(hashed, base_dir, depth + 1)?).as_slice());
            return Ok(out);
        }
        match rest.split_once(CONCAT) {
            Some((part, next)) => {
                out.extend(interpret_part(part, base_dir, depth)?);
                rest = next;
            }
            None => {
                out.extend(interpret_part(rest, base_dir, depth)?);
                return Ok(out);
            }
        }
    }
}

/// One `|`-free part: prefixes applied right to left.
fn interpret_part(text: &str, base_dir: &Path, depth: usize) -> Result<ValueBytes, ValueError> {
    if depth > MAX_DEPTH {
        return Err(ValueError::TooDeep);
    }
    let depth = depth + 1;
    // Literals and plain numbers, the commonest values, have no prefix: they skip the search.
    match text {
        "" | FALSE => return Ok(ValueBytes::new()),
        TRUE => return Ok(ValueBytes::from_elem(1, 1)),
        ANY => return Err(ValueError::Star),
        _ if text.bytes().all(|b| b.is_ascii_digit())
            && let Some(number) = decimal(text) =>
        {
            return number;
        }
        _ => {}
    }
    if let Some(rest) = text.strip_prefix(STR) {
        return Ok(ValueBytes::from_slice(rest.as_bytes()));
    }
    if let Some(name) = text.strip_prefix(ADDRESS) {
        return address_name(name);
    }
    if let Some(rest) = text.strip_prefix(WORD) {
        let bytes = interpret_part(rest, base_dir, depth)?;
        return left_pad(&bytes, WORD_LEN).ok_or(ValueError::WordTooLong(bytes.len()));
    }
    if let Some(rest) = text.strip_prefix(KECCAK256) {
        return Ok(ValueBytes::from_slice(keccak256(interpret_part(rest, base_dir, depth)?).as_slice()));
    }
    if let Some(rest) = text.strip_prefix(FILE) {
        let path = base_dir.join(rest);
        return crate::input::read_bounded(&path, crate::input::MAX_DATA_BYTES, "a `file:` value")
            .map(ValueBytes::from_vec)
            .map_err(|e| ValueError::File { path: path.display().to_string(), reason: e.reason() });
    }
    if let Some((signed, bits, rest)) = fixed_width_prefix(text)? {
        return fixed_width(text, signed, bits, rest, base_dir, depth);
    }
    if let Some(hex) = text.strip_prefix(HEX) {
        return decode_hex(text, hex);
    }
    if let Some(number) = decimal(text) {
        return number;
    }
    if let Some(magnitude) = text.strip_prefix('-')
        && parse_decimal(magnitude) != Err(Decimal::NotDecimal)
    {
        return Err(ValueError::Negative(abbreviate(text)));
    }
    match text.find(':') {
        Some(i) if text[..i].chars().all(|c| c.is_ascii_alphanumeric()) => {
            Err(ValueError::UnknownPrefix { prefix: abbreviate(&text[..=i]), text: abbreviate(text) })
        }
        _ => Err(ValueError::BadNumber(abbreviate(text))),
    }
}

/// `text` read as a decimal number (`1000`, `1,000`), `None` when it is not one. Inlined: the
/// plain-number shortcut is on most arguments' way (as a call: 63 more instructions per transfer).
#[inline(always)]
fn decimal(text: &str) -> Option<Result<ValueBytes, ValueError>> {
    match parse_decimal(text) {
        Ok(bytes) => Some(Ok(bytes)),
        Err(Decimal::TooBig) => Some(Err(ValueError::DecimalTooBig(abbreviate(text)))),
        Err(Decimal::NotDecimal) => None,
    }
}

/// Longest expression text quoted whole in a message; longer ones are cut in the middle.
pub(crate) const QUOTE_MAX: usize = 120;

/// `text` for a message: as it is, or its start and end around `…` with its length, so that a
/// hostile multi-megabyte expression does not make a multi-megabyte message.
pub(crate) fn abbreviate(text: &str) -> String {
    if text.len() <= QUOTE_MAX {
        return text.to_owned();
    }
    let mut head = QUOTE_MAX / 2;
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = text.len() - QUOTE_MAX / 4;
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    format!("{}…{} ({} bytes)", &text[..head], &text[tail..], text.len())
}

/// The name of `address:NAME` padded to 20 bytes.
fn address_name(name: &str) -> Result<ValueBytes, ValueError> {
    named_address(name).map(|address| ValueBytes::from_slice(address.as_slice()))
}

/// The address `address:NAME` stands for: the name padded to 20 bytes.
pub(crate) fn named_address(name: &str) -> Result<Address, ValueError> {
    let valid = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-';
    if name.is_empty() || name.len() > ADDRESS_NAME_MAX || !name.bytes().all(valid) {
        return Err(ValueError::AddressName(abbreviate(name)));
    }
    let mut padded = [ADDRESS_PAD; ADDRESS_NAME_MAX];
    padded[..name.len()].copy_from_slice(name.as_bytes());
    Ok(Address::from(padded))
}

/// Recognizes `uN:` / `iN:`: `Some((signed, bits, rest))`, an error for a bad width.
fn fixed_width_prefix(text: &str) -> Result<Option<(bool, usize, &str)>, ValueError> {
    let signed = match text.chars().next() {
        Some(UNSIGNED) => false,
        Some(SIGNED) => true,
        _ => return Ok(None),
    };
    let Some((head, rest)) = text.split_once(':') else {
        return Ok(None);
    };
    let digits = &head[1..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    match digits.parse::<usize>() {
        Ok(bits) if bits.is_multiple_of(8) && (8..=256).contains(&bits) => Ok(Some((signed, bits, rest))),
        _ => Err(ValueError::Width(format!("{head}:"))),
    }
}

/// `uN:X` / `iN:X`: a decimal X (negative allowed for `i`) is range-checked; any other
/// expression gives raw bytes that must fit the width.
fn fixed_width(
    text: &str,
    signed: bool,
    bits: usize,
    rest: &str,
    base_dir: &Path,
    depth: usize,
) -> Result<ValueBytes, ValueError> {
    let width = bits / 8;
    let kind = if signed { "signed" } else { "unsigned" };
    let overflow = || ValueError::Overflow { text: abbreviate(text), bits, kind };
    if let Some(magnitude) = rest.strip_prefix('-') {
        match parse_decimal(magnitude) {
            Ok(_) | Err(Decimal::TooBig) if !signed => return Err(ValueError::Negative(abbreviate(text))),
            Ok(magnitude) => return negate(&magnitude, width).ok_or_else(overflow),
            Err(Decimal::TooBig) => return Err(overflow()),
            Err(Decimal::NotDecimal) => {}
        }
    }
    match parse_decimal(rest) {
        Ok(value) => {
            let padded = left_pad(&value, width).ok_or_else(overflow)?;
            if signed && !fits_signed(&padded, false) {
                return Err(overflow());
            }
            return Ok(padded);
        }
        Err(Decimal::TooBig) => return Err(overflow()),
        Err(Decimal::NotDecimal) => {}
    }
    let bytes = interpret_part(rest, base_dir, depth)?;
    left_pad(&bytes, width).ok_or_else(overflow)
}

fn decode_hex(text: &str, hex: &str) -> Result<ValueBytes, ValueError> {
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ValueError::BadHex(abbreviate(text)));
    }
    if !hex.len().is_multiple_of(2) {
        return Err(ValueError::OddHex(abbreviate(text)));
    }
    let nibble = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
    Ok(hex.as_bytes().chunks(2).map(|p| (nibble(p[0]) << 4) | nibble(p[1])).collect())
}
