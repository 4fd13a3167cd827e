//! Revert data: `Error(string)`, `Panic(uint256)` and custom errors.

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

/// Describes revert data for humans: `Error("msg")`, `Panic(0x11)`, a custom error decoded by
/// `custom` when its selector matches, or hex.
pub fn describe(data: &[u8], custom: Option<&Signature>) -> String {
    if data.is_empty() {
        return "no revert data".to_string();
    }
    if let Some(message) = error_message(data) {
        return format!("Error({message:?})");
    }
    if let Some(rest) = data.strip_prefix(&PANIC_SELECTOR)
        && let Ok(DynSolValue::Uint(code, _)) = DynSolType::Uint(256).abi_decode(rest)
    {
        return format!("Panic(0x{code:02x})");
    }
    if let Some(sig) = custom
        && let Some(args) = decode_custom(data, sig)
    {
        return format!("{}({})", sig.name, args.iter().map(render).collect::<Vec<_>>().join(", "));
    }
    format!("0x{}", alloy_primitives::hex::encode(data))
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

    #[test]
    fn decodes_error_and_panic() {
        let mut data = ERROR_SELECTOR.to_vec();
        data.extend(DynSolValue::String("nope".into()).abi_encode_params());
        assert_eq!(error_message(&data).as_deref(), Some("nope"));
        assert_eq!(describe(&data, None), "Error(\"nope\")");
        let panic = hex::decode("4e487b710000000000000000000000000000000000000000000000000000000000000011").unwrap();
        assert_eq!(describe(&panic, None), "Panic(0x11)");
    }
}
