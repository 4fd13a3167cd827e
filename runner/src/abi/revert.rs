//! Revert data: `Error(string)`, `Panic(uint256)` (with its meaning) and custom errors from
//! every ABI a scenario loaded.

use alloy_dyn_abi::{DynSolType, DynSolValue};

use super::render::render;
use super::signature::Signature;

const ERROR_SELECTOR: [u8; 4] = [0x08, 0xc3, 0x79, 0xa0];
const PANIC_SELECTOR: [u8; 4] = [0x4e, 0x48, 0x7b, 0x71];

/// The message of `Error(string)` revert data, if that is what it is.
pub fn error_message(data: &[u8]) -> Option<String> {
    let rest = data.strip_prefix(&ERROR_SELECTOR)?;
    match DynSolType::String.abi_decode(rest).ok()? {
        DynSolValue::String(s) => Some(s),
        _ => None,
    }
}

/// What a Solidity panic code means (the compiler's list).
pub fn panic_meaning(code: u64) -> &'static str {
    match code {
        0x00 => "generic compiler panic",
        0x01 => "assertion failed",
        0x11 => "arithmetic overflow or underflow",
        0x12 => "division or modulo by zero",
        0x21 => "invalid enum value",
        0x22 => "invalid storage byte array encoding",
        0x31 => "pop on an empty array",
        0x32 => "array index out of bounds",
        0x41 => "too much memory allocated",
        0x51 => "call to an uninitialized internal function",
        _ => "unknown panic code",
    }
}

/// Revert data for humans: `empty`, `Error("msg")`, `Panic(0x11): arithmetic overflow or
/// underflow`, a custom error from `known` whose selector matches (decoded), or hex.
pub fn describe(data: &[u8], known: &[std::sync::Arc<Signature>]) -> String {
    if data.is_empty() {
        return "empty".to_string();
    }
    if let Some(message) = error_message(data) {
        return format!("Error({message:?})");
    }
    if let Some(rest) = data.strip_prefix(&PANIC_SELECTOR)
        && let Ok(DynSolValue::Uint(code, _)) = DynSolType::Uint(256).abi_decode(rest)
    {
        let meaning = panic_meaning(u64::try_from(code).unwrap_or(u64::MAX));
        return format!("Panic(0x{code:02x}): {meaning}");
    }
    for sig in known {
        if let Some(args) = decode_custom(data, sig) {
            return format!("{}({})", sig.name, args.iter().map(render).collect::<Vec<_>>().join(", "));
        }
    }
    format!("0x{} (unknown error)", alloy_primitives::hex::encode(data))
}

/// The raw bytes of decoded revert data, shown under its decoding; `None` when the
/// description already is the bytes (or there are none).
pub fn raw_below(data: &[u8], description: &str) -> Option<String> {
    (!data.is_empty() && !description.starts_with("0x")).then(|| format!("0x{}", alloy_primitives::hex::encode(data)))
}

/// Decodes custom-error revert data with `sig` when the selector matches.
pub fn decode_custom(data: &[u8], sig: &Signature) -> Option<Vec<DynSolValue>> {
    let rest = data.strip_prefix(&sig.selector())?;
    match sig.params_tuple().abi_decode_params(rest).ok()? {
        DynSolValue::Tuple(values) => Some(values),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::hex;
    use std::sync::Arc;

    #[test]
    fn decodes_error_panic_and_known_custom_errors() {
        let mut data = ERROR_SELECTOR.to_vec();
        data.extend(DynSolValue::String("nope".into()).abi_encode_params());
        assert_eq!(error_message(&data).as_deref(), Some("nope"));
        assert_eq!(describe(&data, &[]), "Error(\"nope\")");
        assert!(raw_below(&data, "Error(\"nope\")").unwrap().starts_with("0x08c379a0"));
        let panic = hex::decode("4e487b710000000000000000000000000000000000000000000000000000000000000011").unwrap();
        assert_eq!(describe(&panic, &[]), "Panic(0x11): arithmetic overflow or underflow");
        assert_eq!(describe(&[], &[]), "empty");
        let sig = Arc::new(Signature::parse("InsufficientBalance(uint256,uint256)").unwrap());
        let mut custom = sig.selector().to_vec();
        custom.extend(
            DynSolValue::Tuple(vec![DynSolValue::Uint(alloy_primitives::U256::from(1), 256); 2]).abi_encode_params(),
        );
        assert_eq!(describe(&custom, &[sig]), "InsufficientBalance(1, 1)");
        assert!(describe(&custom, &[]).ends_with("(unknown error)"));
    }
}
