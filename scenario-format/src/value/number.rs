//! Big-endian arithmetic on byte strings of any length: decimal parsing and printing, fixed
//! widths and two's complement.

use super::prefixes::NUMBER_SEPARATORS;

/// Parses `1000`, `1_000` or `1,000` into minimal big-endian bytes (0 is empty).
/// `None` if the text is not a decimal number (it must start and end with a digit).
pub(crate) fn parse_decimal(text: &str) -> Option<Vec<u8>> {
    let first = text.chars().next()?;
    let last = text.chars().last()?;
    if !first.is_ascii_digit() || !last.is_ascii_digit() {
        return None;
    }
    let mut out: Vec<u8> = Vec::new();
    for c in text.chars() {
        if NUMBER_SEPARATORS.contains(&c) {
            continue;
        }
        let mut carry = c.to_digit(10)?;
        for byte in out.iter_mut().rev() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = (v & 0xff) as u8;
            carry = v >> 8;
        }
        while carry > 0 {
            out.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    Some(out)
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
pub(crate) fn left_pad(bytes: &[u8], width: usize) -> Option<Vec<u8>> {
    let bytes = if bytes.len() > width { trim(bytes) } else { bytes };
    if bytes.len() > width {
        return None;
    }
    let mut out = vec![0u8; width - bytes.len()];
    out.extend_from_slice(bytes);
    Some(out)
}

/// Two's complement of `magnitude` in `width` bytes, i.e. the encoding of `-magnitude`;
/// `None` if `-magnitude` does not fit a signed integer of that width.
pub(crate) fn negate(magnitude: &[u8], width: usize) -> Option<Vec<u8>> {
    let padded = left_pad(magnitude, width)?;
    if !fits_signed(&padded, true) {
        return None;
    }
    let mut out: Vec<u8> = padded.iter().map(|b| !b).collect();
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

    #[test]
    fn decimal_round_trip() {
        assert_eq!(parse_decimal("0"), Some(vec![]));
        assert_eq!(parse_decimal("1,000"), Some(vec![0x03, 0xe8]));
        assert_eq!(parse_decimal("1_000"), Some(vec![0x03, 0xe8]));
        assert_eq!(parse_decimal("256"), Some(vec![1, 0]));
        assert_eq!(parse_decimal("12a"), None);
        assert_eq!(parse_decimal("_1"), None);
        assert_eq!(parse_decimal("1_"), None);
        assert_eq!(parse_decimal(""), None);
        let big = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        let bytes = parse_decimal(big).unwrap();
        assert_eq!(bytes, vec![0xff; 32]);
        assert_eq!(to_decimal(&bytes), big);
        assert_eq!(to_decimal(&[]), "0");
        assert_eq!(to_decimal(&[0, 0, 1, 0]), "256");
    }

    #[test]
    fn widths_and_negation() {
        assert_eq!(left_pad(&[1], 2), Some(vec![0, 1]));
        assert_eq!(left_pad(&[0, 0, 1], 2), Some(vec![0, 1]));
        assert_eq!(left_pad(&[1, 0, 0], 2), None);
        assert_eq!(negate(&[2], 2), Some(vec![0xff, 0xfe]));
        assert_eq!(negate(&[0x80], 1), Some(vec![0x80]));
        assert_eq!(negate(&[0x81], 1), None);
        assert_eq!(negate(&[], 1), Some(vec![0]));
        assert!(fits_signed(&[0x7f], false));
        assert!(!fits_signed(&[0x80], false));
    }
}
