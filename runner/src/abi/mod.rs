//! ABI handling for scenarios: signatures, argument encoding, output, error and event decoding.

mod convert;
mod event;
mod render;
mod revert;
mod signature;
mod words;

pub use convert::{expect_matches, render_expect, to_sol_value, to_sol_values, validate_expect};
pub use event::{check_event, decode_event};
pub use render::render;
pub use revert::{decode_custom, describe, error_message, panic_meaning, raw_below};
pub use signature::Signature;
pub use words::{EventWords, Words};

use alloy_dyn_abi::DynSolValue;
use scenario_format::AbiValue;

/// A signature that cannot be parsed, or a value (argument, expected output, event argument)
/// that does not fit its ABI type: what was wrong and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AbiError(pub String);

impl From<AbiError> for String {
    fn from(error: AbiError) -> Self {
        error.0
    }
}

/// Encodes a call: selector + ABI-encoded arguments.
pub fn encode_call(sig: &Signature, args: &[AbiValue]) -> Result<Vec<u8>, AbiError> {
    let values = to_sol_values(args, &sig.params)?;
    let encoded = DynSolValue::Tuple(values).abi_encode_params();
    let mut data = Vec::with_capacity(4 + encoded.len());
    data.extend_from_slice(&sig.selector());
    data.extend_from_slice(&encoded);
    Ok(data)
}

/// Encodes constructor arguments (appended to init code).
pub fn encode_args(sig: &Signature, args: &[AbiValue]) -> Result<Vec<u8>, AbiError> {
    let values = to_sol_values(args, &sig.params)?;
    Ok(DynSolValue::Tuple(values).abi_encode_params())
}
