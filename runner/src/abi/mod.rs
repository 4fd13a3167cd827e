//! ABI handling for scenarios: signatures, argument encoding, output, error and event decoding.

mod convert;
mod event;
mod render;
mod revert;
mod signature;

pub use convert::{expect_matches, render_expect, to_sol_value, to_sol_values, validate_expect};
pub use event::{check_event, decode_event};
pub use render::render;
pub use revert::{decode_custom, describe, error_message, panic_meaning, raw_below};
pub use signature::Signature;

use alloy_dyn_abi::DynSolValue;
use scenario_format::AbiValue;

/// Encodes a call: selector + ABI-encoded arguments.
pub fn encode_call(sig: &Signature, args: &[AbiValue]) -> Result<Vec<u8>, String> {
    let values = to_sol_values(args, &sig.params)?;
    let mut data = sig.selector().to_vec();
    data.extend(DynSolValue::Tuple(values).abi_encode_params());
    Ok(data)
}

/// Encodes constructor arguments (appended to init code).
pub fn encode_args(sig: &Signature, args: &[AbiValue]) -> Result<Vec<u8>, String> {
    let values = to_sol_values(args, &sig.params)?;
    Ok(DynSolValue::Tuple(values).abi_encode_params())
}
