//! Bytes back to a readable expression, for failure messages and diffs.

use super::number::{to_decimal, trim};
use super::prefixes::*;

/// How to render bytes when the field's meaning is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// An unsigned number: decimal, or `uN:decimal` when leading zero bytes give it a width.
    Number,
    /// An address: `address:name` when it is a padded test name, else hex.
    Address,
    /// Text: `str:…` when it is printable UTF-8 without `|`, else hex.
    Str,
    /// Raw bytes: hex.
    Bytes,
    /// A 32-byte word (storage, topics): the word without its left zero padding, rendered as an
    /// address name, a number (up to 8 bytes) or hex. Interpreting it and left-padding to 32
    /// bytes gives the word back.
    Word,
    /// Guess: empty, address name, printable ASCII text, else hex.
    Auto,
}

/// Renders bytes as a value expression that interprets back to the same bytes (for
/// [`Hint::Word`], to the same word once left-padded).
///
/// ```
/// # use scenario_format::value::{reconstruct, Hint};
/// let mut alice = b"alice".to_vec();
/// alice.resize(20, b'_');
/// assert_eq!(reconstruct(&alice, Hint::Auto), "address:alice");
/// assert_eq!(reconstruct(&[0x03, 0xe8], Hint::Number), "1000");
/// assert_eq!(reconstruct(b"hi there", Hint::Auto), "str:hi there");
/// assert_eq!(reconstruct(&[0xde, 0xad], Hint::Auto), "0xdead");
/// ```
pub fn reconstruct(bytes: &[u8], hint: Hint) -> String {
    match hint {
        Hint::Number => number(bytes),
        Hint::Address => address(bytes).unwrap_or_else(|| hex(bytes)),
        Hint::Str => text(bytes).unwrap_or_else(|| hex(bytes)),
        Hint::Bytes => hex(bytes),
        Hint::Word => word(bytes),
        Hint::Auto => address(bytes).or_else(|| text(bytes).filter(|_| bytes.is_ascii())).unwrap_or_else(|| hex(bytes)),
    }
}

fn hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return String::new();
    }
    let mut out = String::from(HEX);
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn number(bytes: &[u8]) -> String {
    let trimmed = trim(bytes);
    if bytes.len() > WORD_LEN {
        // Decimals stop at 32 bytes (and their conversion is quadratic): hex.
        hex(bytes)
    } else if trimmed.len() == bytes.len() {
        to_decimal(bytes)
    } else if bytes.len() <= WORD_LEN {
        format!("{UNSIGNED}{}:{}", bytes.len() * 8, to_decimal(bytes))
    } else {
        hex(bytes)
    }
}

/// `address:name` if these are 20 bytes of a padded name.
fn address(bytes: &[u8]) -> Option<String> {
    if bytes.len() != ADDRESS_NAME_MAX {
        return None;
    }
    let valid = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-');
    if !bytes.iter().all(valid) {
        return None;
    }
    let end = bytes.iter().rposition(|&b| b != ADDRESS_PAD).map_or(1, |i| i + 1);
    Some(format!("{ADDRESS}{}", String::from_utf8_lossy(&bytes[..end])))
}

/// `str:…` for non-empty printable text that does not contain the `|` separator.
fn text(bytes: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(bytes).ok()?;
    let printable = !s.is_empty() && s.chars().all(|c| !c.is_control() && c != CONCAT);
    printable.then(|| format!("{STR}{s}"))
}

fn word(bytes: &[u8]) -> String {
    let value = trim(bytes);
    if let Some(name) = address(value) {
        return name;
    }
    if value.len() <= 8 {
        return to_decimal(value);
    }
    hex(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints() {
        assert_eq!(reconstruct(&[], Hint::Number), "0");
        assert_eq!(reconstruct(&[0, 5], Hint::Number), "u16:5");
        assert_eq!(reconstruct(&[1; 33], Hint::Number), format!("0x{}", "01".repeat(33)));
        assert_eq!(reconstruct(&[], Hint::Bytes), "");
        assert_eq!(reconstruct(&[1; 20], Hint::Address), format!("0x{}", "01".repeat(20)));
        assert_eq!(reconstruct(&[b'_'; 20], Hint::Address), "address:_");
        assert_eq!(reconstruct(b"a|b", Hint::Str), "0x617c62");
        assert_eq!(reconstruct("héllo".as_bytes(), Hint::Str), "str:héllo");
        assert_eq!(reconstruct("héllo".as_bytes(), Hint::Auto), "0x68c3a96c6c6f");
        let mut w = vec![0u8; 31];
        w.push(7);
        assert_eq!(reconstruct(&w, Hint::Word), "7");
        assert_eq!(reconstruct(&[0xff; 32], Hint::Word), format!("0x{}", "ff".repeat(32)));
    }
}
