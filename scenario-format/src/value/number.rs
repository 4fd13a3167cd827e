//! Big-endian arithmetic on byte strings of any length: decimal parsing and printing, fixed
//! widths and two's complement.

use super::ValueBytes;
use super::prefixes::NUMBER_SEPARATORS;

/// The largest decimal number: 32 bytes (2^256 - 1), the widest value any field or ABI type
/// holds. Longer byte strings are written in hex.
pub(crate) const MAX_DECIMAL_BYTES: usize = 32;

/// Why text is not a usable decimal number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decimal {
    /// Not a decimal number at all (it must start and end with a digit, and hold only digits
    /// and separators).
    NotDecimal,
    /// A decimal number of more than [`MAX_DECIMAL_BYTES`] bytes.
    TooBig,
}

/// Parses `1000`, `1_000` or `1,000` into minimal big-endian bytes (0 is empty).
///
/// Linear in the text: the shape is checked first, and the conversion stops as soon as the value
/// passes [`MAX_DECIMAL_BYTES`] (a 500,000-digit number is rejected after about 80 digits).
pub(crate) fn parse_decimal(text: &str) -> Result<ValueBytes, Decimal> {
    let bytes = text.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else { return Err(Decimal::NotDecimal) };
    let separator = |b: &u8| NUMBER_SEPARATORS.iter().any(|s| *s as u32 == u32::from(*b));
    if !first.is_ascii_digit() || !last.is_ascii_digit() || !bytes.iter().all(|b| b.is_ascii_digit() || separator(b)) {
        return Err(Decimal::NotDecimal);
    }
    convert_digits(bytes).0
}

/// The conversion of [`parse_decimal`], with the number of digits it read (at most about 80
/// past the leading zeros, whatever the length of the text).
fn convert_digits(bytes: &[u8]) -> (Result<ValueBytes, Decimal>, usize) {
    // Little-endian while converting: a carry out of the top byte is a push, not an insert.
    let mut out = ValueBytes::new();
    let mut read = 0;
    for b in bytes.iter().filter(|b| b.is_ascii_digit()) {
        read += 1;
        let mut carry = u32::from(b - b'0');
        for byte in out.iter_mut() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = (v & 0xff) as u8;
            carry = v >> 8;
        }
        if carry > 0 {
            out.push(carry as u8);
        }
        if out.len() > MAX_DECIMAL_BYTES {
            return (Err(Decimal::TooBig), read);
        }
    }
    out.reverse();
    (Ok(out), read)
}

/// Drops leading zero bytes.
pub(crate) fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// Decimal rendering of unsigned big-endian bytes (`""` is `0`).
pub(crate) fn to_decimal(bytes: &[u8]) -> String {
    let mut n = trim(bytes).to_vec();
    if n.is_empty() {
        return "0".to_owned();
    }
    let mut digits = Vec::new();
    while !n.is_empty() {
        let mut rem = 0u32;
        for byte in n.iter_mut() {
            let v = (rem << 8) | u32::from(*byte);
            *byte = (v / 10) as u8;
            rem = v % 10;
        }
        digits.push(b'0' + rem as u8);
        n = trim(&n).to_vec();
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// Left-pads to `width` bytes; `None` if the (trimmed) value is longer.
pub(crate) fn left_pad(bytes: &[u8], width: usize) -> Option<ValueBytes> {
    let bytes = if bytes.len() > width { trim(bytes) } else { bytes };
    if bytes.len() > width {
        return None;
    }
    let mut out = ValueBytes::from_elem(0, width - bytes.len());
    out.extend_from_slice(bytes);
    Some(out)
}

/// Two's complement of `magnitude` in `width` bytes, i.e. the encoding of `-magnitude`;
/// `None` if `-magnitude` does not fit a signed integer of that width.
pub(crate) fn negate(magnitude: &[u8], width: usize) -> Option<ValueBytes> {
    let padded = left_pad(magnitude, width)?;
    if !fits_signed(&padded, true) {
        return None;
    }
    let mut out: ValueBytes = padded.iter().map(|b| !b).collect();
    for byte in out.iter_mut().rev() {
        let (v, overflow) = byte.overflowing_add(1);
        *byte = v;
        if !overflow {
            break;
        }
    }
    Some(out)
}

/// Whether a padded magnitude fits a signed integer of its width: at most 2^(bits-1) - 1 for a
/// positive value, at most 2^(bits-1) for a negated one.
pub(crate) fn fits_signed(padded: &[u8], negative: bool) -> bool {
    match padded.split_first() {
        None => true,
        Some((&top, _)) if top < 0x80 => true,
        Some((&top, rest)) => negative && top == 0x80 && rest.iter().all(|&b| b == 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(bytes: &[u8]) -> ValueBytes {
        ValueBytes::from_slice(bytes)
    }

    #[test]
    fn decimal_round_trip() {
        assert_eq!(parse_decimal("0"), Ok(b(&[])));
        assert_eq!(parse_decimal("000"), Ok(b(&[])));
        assert_eq!(parse_decimal("1,000"), Ok(b(&[0x03, 0xe8])));
        assert_eq!(parse_decimal("1_000"), Ok(b(&[0x03, 0xe8])));
        assert_eq!(parse_decimal("256"), Ok(b(&[1, 0])));
        assert_eq!(parse_decimal("12a"), Err(Decimal::NotDecimal));
        assert_eq!(parse_decimal("_1"), Err(Decimal::NotDecimal));
        assert_eq!(parse_decimal("1_"), Err(Decimal::NotDecimal));
        assert_eq!(parse_decimal(""), Err(Decimal::NotDecimal));
        assert_eq!(parse_decimal("1é1"), Err(Decimal::NotDecimal));
        let big = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        let bytes = parse_decimal(big).unwrap();
        assert_eq!(bytes, b(&[0xff; 32]));
        // 2^256: one more than the largest value.
        let over = "115792089237316195423570985008687907853269984665640564039457584007913129639936";
        assert_eq!(parse_decimal(over), Err(Decimal::TooBig));
        assert_eq!(parse_decimal(&format!("000{big}")), Ok(b(&[0xff; 32])), "leading zeros do not count");
        assert_eq!(to_decimal(&bytes), big);
        assert_eq!(to_decimal(&[]), "0");
        assert_eq!(to_decimal(&[0, 0, 1, 0]), "256");
    }

    #[test]
    fn a_huge_decimal_is_rejected_after_a_few_digits() {
        // Regression (issue 13): a 500,000-digit number took 29 s to reject (quadratic).
        let huge = "1".repeat(500_000);
        assert_eq!(parse_decimal(&huge), Err(Decimal::TooBig));
        let (result, read) = convert_digits(huge.as_bytes());
        assert_eq!(result, Err(Decimal::TooBig));
        assert!(read <= 80, "read {read} digits of 500,000");
        let zeros = format!("{}1", "0".repeat(500_000));
        assert_eq!(parse_decimal(&zeros), Ok(b(&[1])));
    }

    #[test]
    fn widths_and_negation() {
        assert_eq!(left_pad(&[1], 2), Some(b(&[0, 1])));
        assert_eq!(left_pad(&[0, 0, 1], 2), Some(b(&[0, 1])));
        assert_eq!(left_pad(&[1, 0, 0], 2), None);
        assert_eq!(negate(&[2], 2), Some(b(&[0xff, 0xfe])));
        assert_eq!(negate(&[0x80], 1), Some(b(&[0x80])));
        assert_eq!(negate(&[0x81], 1), None);
        assert_eq!(negate(&[], 1), Some(b(&[0])));
        assert!(fits_signed(&[0x7f], false));
        assert!(!fits_signed(&[0x80], false));
    }
}
