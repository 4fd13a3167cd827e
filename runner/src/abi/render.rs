//! ABI values → the readable notation scenarios use (`address:alice`, `1000`, `str:hi`).

use alloy_dyn_abi::DynSolValue;
use scenario_format::{Hint, reconstruct};

/// Renders a decoded value the way a scenario would write it.
pub fn render(value: &DynSolValue) -> String {
    match value {
        DynSolValue::Address(a) => reconstruct(a.as_slice(), Hint::Address),
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::Uint(u, _) => u.to_string(),
        DynSolValue::Int(i, bits) => format!("i{bits}:{i}"),
        DynSolValue::FixedBytes(word, size) => reconstruct(&word[..*size], Hint::Bytes),
        DynSolValue::Bytes(b) => reconstruct(b, Hint::Bytes),
        DynSolValue::String(s) => format!("str:{s}"),
        DynSolValue::Array(items) | DynSolValue::FixedArray(items) | DynSolValue::Tuple(items) => {
            format!("[{}]", items.iter().map(render).collect::<Vec<_>>().join(", "))
        }
        other => format!("{other:?}"),
    }
}
