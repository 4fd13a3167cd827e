//! The `vm_hooks` import table (stylus-semantics §3.1): every host function a Stylus program
//! may import, with its exact WASM signature. Activation rejects any other import; executors
//! use the same table to define their imports.

use std::fmt;

/// A WASM value type as it appears in a `vm_hooks` signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    /// `i32` (pointers, lengths, `u8`/`bool` results).
    I32,
    /// `i64` (gas, ink, block values).
    I64,
    /// `f32` (only in signatures that do not match any hook).
    F32,
    /// `f64`.
    F64,
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::I32 => "i32",
            Self::I64 => "i64",
            Self::F32 => "f32",
            Self::F64 => "f64",
        })
    }
}

/// A function signature: parameters and results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HookSignature {
    /// Parameter types.
    pub params: &'static [ValType],
    /// Result types.
    pub results: &'static [ValType],
}

/// Writes a signature as `(i32, i32) -> (i32)`.
pub fn format_signature(params: &[ValType], results: &[ValType]) -> String {
    let list = |types: &[ValType]| types.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    format!("({}) -> ({})", list(params), list(results))
}

/// The module every Stylus import comes from.
pub const VM_HOOKS_MODULE: &str = "vm_hooks";

use ValType::{I32, I64};

const fn sig(params: &'static [ValType], results: &'static [ValType]) -> HookSignature {
    HookSignature { params, results }
}

/// All 42 `vm_hooks` functions and their signatures (nitro's host import table).
pub const VM_HOOKS: &[(&str, HookSignature)] = &[
    ("read_args", sig(&[I32], &[])),
    ("write_result", sig(&[I32, I32], &[])),
    ("exit_early", sig(&[I32], &[])),
    ("pay_for_memory_grow", sig(&[I32], &[])),
    ("storage_load_bytes32", sig(&[I32, I32], &[])),
    ("storage_cache_bytes32", sig(&[I32, I32], &[])),
    ("storage_flush_cache", sig(&[I32], &[])),
    ("transient_load_bytes32", sig(&[I32, I32], &[])),
    ("transient_store_bytes32", sig(&[I32, I32], &[])),
    ("call_contract", sig(&[I32, I32, I32, I32, I64, I32], &[I32])),
    ("delegate_call_contract", sig(&[I32, I32, I32, I64, I32], &[I32])),
    ("static_call_contract", sig(&[I32, I32, I32, I64, I32], &[I32])),
    ("create1", sig(&[I32, I32, I32, I32, I32], &[])),
    ("create2", sig(&[I32, I32, I32, I32, I32, I32], &[])),
    ("read_return_data", sig(&[I32, I32, I32], &[I32])),
    ("return_data_size", sig(&[], &[I32])),
    ("emit_log", sig(&[I32, I32, I32], &[])),
    ("native_keccak256", sig(&[I32, I32, I32], &[])),
    ("account_balance", sig(&[I32, I32], &[])),
    ("account_codehash", sig(&[I32, I32], &[])),
    ("account_code", sig(&[I32, I32, I32, I32], &[I32])),
    ("account_code_size", sig(&[I32], &[I32])),
    ("block_basefee", sig(&[I32], &[])),
    ("block_coinbase", sig(&[I32], &[])),
    ("contract_address", sig(&[I32], &[])),
    ("tx_gas_price", sig(&[I32], &[])),
    ("tx_origin", sig(&[I32], &[])),
    ("msg_sender", sig(&[I32], &[])),
    ("msg_value", sig(&[I32], &[])),
    ("msg_reentrant", sig(&[], &[I32])),
    ("tx_ink_price", sig(&[], &[I32])),
    ("block_gas_limit", sig(&[], &[I64])),
    ("block_number", sig(&[], &[I64])),
    ("block_timestamp", sig(&[], &[I64])),
    ("chainid", sig(&[], &[I64])),
    ("evm_gas_left", sig(&[], &[I64])),
    ("evm_ink_left", sig(&[], &[I64])),
    ("math_div", sig(&[I32, I32], &[])),
    ("math_mod", sig(&[I32, I32], &[])),
    ("math_pow", sig(&[I32, I32], &[])),
    ("math_add_mod", sig(&[I32, I32, I32], &[])),
    ("math_mul_mod", sig(&[I32, I32, I32], &[])),
];

/// The signature of the `vm_hooks` function `name`, if there is one.
pub fn hook_signature(name: &str) -> Option<HookSignature> {
    VM_HOOKS.iter().find(|(hook, _)| *hook == name).map(|(_, signature)| *signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_42_distinct_hooks() {
        assert_eq!(VM_HOOKS.len(), 42);
        let mut names: Vec<_> = VM_HOOKS.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 42);
        assert_eq!(format_signature(&[I32, I64], &[I32]), "(i32, i64) -> (i32)");
    }
}
