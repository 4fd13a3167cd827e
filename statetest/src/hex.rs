//! Parsing of the hex strings state tests use for numbers, addresses, hashes and bytes.

use world_mock::revm::primitives::{Address, B256, Bytes, U256, hex};

/// A value parsed from a JSON string of a state test.
pub trait FromHexStr: Sized {
    /// Parses `text`, or says why it cannot.
    fn from_hex_str(text: &str) -> Result<Self, String>;
}

fn strip(text: &str) -> Option<&str> {
    text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"))
}

impl FromHexStr for U256 {
    /// `0x`-prefixed hex (empty digits mean zero) or decimal.
    fn from_hex_str(text: &str) -> Result<Self, String> {
        let (digits, radix) = match strip(text) {
            Some(digits) => (digits, 16),
            None => (text, 10),
        };
        if digits.is_empty() {
            return if radix == 16 { Ok(Self::ZERO) } else { Err("empty number".into()) };
        }
        if !digits.bytes().all(|b| (b as char).is_digit(radix as u32)) {
            return Err(format!("invalid number {text:?}"));
        }
        Self::from_str_radix(digits, radix).map_err(|_| format!("number {text:?} does not fit in 256 bits"))
    }
}

impl FromHexStr for Address {
    fn from_hex_str(text: &str) -> Result<Self, String> {
        let bytes = decode(text)?;
        if bytes.len() != 20 {
            return Err(format!("address {text:?} is not 20 bytes"));
        }
        Ok(Self::from_slice(&bytes))
    }
}

impl FromHexStr for B256 {
    fn from_hex_str(text: &str) -> Result<Self, String> {
        let bytes = decode(text)?;
        if bytes.len() != 32 {
            return Err(format!("hash {text:?} is not 32 bytes"));
        }
        Ok(Self::from_slice(&bytes))
    }
}

impl FromHexStr for Bytes {
    fn from_hex_str(text: &str) -> Result<Self, String> {
        decode(text).map(Self::from)
    }
}

fn decode(text: &str) -> Result<Vec<u8>, String> {
    let digits = strip(text).unwrap_or(text);
    hex::decode(digits).map_err(|e| format!("invalid hex {}: {e}", shorten(text)))
}

fn shorten(text: &str) -> String {
    if text.len() <= 80 { format!("{text:?}") } else { format!("{:?}…", &text[..text.floor_char_boundary(80)]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(U256::from_hex_str("0x0a").unwrap(), U256::from(10));
        assert_eq!(U256::from_hex_str("0x").unwrap(), U256::ZERO);
        assert_eq!(U256::from_hex_str("12").unwrap(), U256::from(12));
        assert!(U256::from_hex_str(&format!("0x1{}", "0".repeat(64))).is_err());
        assert!(U256::from_hex_str("0xzz").is_err());
        assert!(U256::from_hex_str("").is_err());
    }

    #[test]
    fn fixed_sizes() {
        assert!(Address::from_hex_str("0x095e7baea6a6c7c4c2dfeb977efac326af552d87").is_ok());
        assert!(Address::from_hex_str("0x095e").is_err());
        assert!(B256::from_hex_str("0x00").is_err());
        assert_eq!(Bytes::from_hex_str("0x6001").unwrap().as_ref(), &[0x60, 0x01]);
        assert!(Bytes::from_hex_str("0x600").is_err());
    }
}
