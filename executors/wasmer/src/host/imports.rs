//! Binds the 42 `vm_hooks` (stylus-semantics §3.1) to the shared hostio rules. Pointers,
//! lengths and `u8`/`bool` results are `i32` (`u32` here); gas and block values are `i64`.

use hostio::hostio as h;
use wasmer::{Extern, Function, FunctionEnv, FunctionEnvMut, Imports, Module, RuntimeError, Store};

use world_mock::stylus::VM_HOOKS;

use super::{HostData, hostio};

/// Import module of the Stylus host API.
pub(crate) const MODULE: &str = "vm_hooks";

type Env<'a> = FunctionEnvMut<'a, HostData>;

/// A guest pointer as the shared rules take it.
fn p(ptr: u32) -> u64 {
    u64::from(ptr)
}

/// The host functions of one frame, all 42 of them, by name.
pub(crate) fn imports(store: &mut Store, env: &FunctionEnv<HostData>) -> Imports {
    let mut imports = Imports::new();
    for (name, _) in VM_HOOKS {
        if let Some(function) = host_function(store, env, name) {
            imports.define(MODULE, name, function);
        }
    }
    imports
}

/// The host functions `module` imports, in its import order (what `Instance::new_by_index`
/// takes): only those are made, which is most of a small frame's cost otherwise. `None` when
/// it imports anything else; then `imports` and `Instance::new` give Wasmer's own link error.
pub(crate) fn externs_for(store: &mut Store, env: &FunctionEnv<HostData>, module: &Module) -> Option<Vec<Extern>> {
    let mut made: Vec<(String, Function)> = Vec::new();
    let mut externs = Vec::new();
    for import in module.imports() {
        if import.module() != MODULE {
            return None;
        }
        // A name imported twice gets the same function, as with `Imports`.
        let function = match made.iter().find(|(name, _)| name == import.name()) {
            Some((_, function)) => function.clone(),
            None => {
                let function = host_function(store, env, import.name())?;
                made.push((import.name().to_string(), function.clone()));
                function
            }
        };
        externs.push(Extern::Function(function));
    }
    Some(externs)
}

/// The host function `name` of one frame (`None`: not a hook). Only the names of world-mock's
/// import table (what activation accepts) are looked up; a test checks they all bind.
fn host_function(store: &mut Store, env: &FunctionEnv<HostData>, name: &str) -> Option<Function> {
    macro_rules! bind {
        ($($name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty => $body:expr;)*) => {
            match name {
                // Profiled modules send function events through this import (see `middleware/profile.rs`).
                "pay_for_memory_grow" => Some(Function::new_typed_with_env(store, env, |mut env: Env<'_>, pages: u32| -> Result<(), RuntimeError> {
                    if super::profile_event(&mut env, pages) {
                        return Ok(());
                    }
                    hostio(env, "pay_for_memory_grow", |cx| h::pay_for_memory_grow(cx, pages))
                })),
                $(stringify!($name) => Some(Function::new_typed_with_env(store, env, |env: Env<'_>, $($arg: $ty),*| -> Result<$ret, RuntimeError> {
                    hostio(env, stringify!($name), |cx| $body(cx))
                })),)*
                _ => None,
            }
        };
    }
    bind!(
        read_args(dest: u32) -> () => |cx| h::read_args(cx, p(dest));
        write_result(ptr: u32, len: u32) -> () => |cx| h::write_result(cx, p(ptr), len);
        exit_early(status: u32) -> () => |cx| h::exit_early(cx, status);
        native_keccak256(input: u32, len: u32, out: u32) -> () => |cx| h::native_keccak256(cx, p(input), len, p(out));
        return_data_size() -> u32 => h::return_data_size;
        read_return_data(dest: u32, offset: u32, size: u32) -> u32 => |cx| h::read_return_data(cx, p(dest), offset, size);
        storage_load_bytes32(key: u32, dest: u32) -> () => |cx| h::storage_load_bytes32(cx, p(key), p(dest));
        storage_cache_bytes32(key: u32, value: u32) -> () => |cx| h::storage_cache_bytes32(cx, p(key), p(value));
        storage_flush_cache(clear: u32) -> () => |cx| h::storage_flush_cache(cx, clear != 0);
        transient_load_bytes32(key: u32, dest: u32) -> () => |cx| h::transient_load_bytes32(cx, p(key), p(dest));
        transient_store_bytes32(key: u32, value: u32) -> () => |cx| h::transient_store_bytes32(cx, p(key), p(value));
        emit_log(data: u32, len: u32, topics: u32) -> () => |cx| h::emit_log(cx, p(data), len, topics);
        account_balance(addr: u32, dest: u32) -> () => |cx| h::account_balance(cx, p(addr), p(dest));
        account_code(addr: u32, offset: u32, size: u32, dest: u32) -> u32 => |cx| h::account_code(cx, p(addr), offset, size, p(dest));
        account_code_size(addr: u32) -> u32 => |cx| h::account_code_size(cx, p(addr));
        account_codehash(addr: u32, dest: u32) -> () => |cx| h::account_codehash(cx, p(addr), p(dest));
        call_contract(addr: u32, data: u32, len: u32, value: u32, gas: u64, ret_len: u32) -> u32 =>
            |cx| h::call_contract(cx, p(addr), p(data), len, p(value), gas, p(ret_len));
        delegate_call_contract(addr: u32, data: u32, len: u32, gas: u64, ret_len: u32) -> u32 =>
            |cx| h::delegate_call_contract(cx, p(addr), p(data), len, gas, p(ret_len));
        static_call_contract(addr: u32, data: u32, len: u32, gas: u64, ret_len: u32) -> u32 =>
            |cx| h::static_call_contract(cx, p(addr), p(data), len, gas, p(ret_len));
        create1(code: u32, len: u32, endowment: u32, addr_out: u32, revert_len: u32) -> () =>
            |cx| h::create1(cx, p(code), len, p(endowment), p(addr_out), p(revert_len));
        create2(code: u32, len: u32, endowment: u32, salt: u32, addr_out: u32, revert_len: u32) -> () =>
            |cx| h::create2(cx, p(code), len, p(endowment), p(salt), p(addr_out), p(revert_len));
        msg_sender(dest: u32) -> () => |cx| h::msg_sender(cx, p(dest));
        msg_value(dest: u32) -> () => |cx| h::msg_value(cx, p(dest));
        msg_reentrant() -> u32 => h::msg_reentrant;
        contract_address(dest: u32) -> () => |cx| h::contract_address(cx, p(dest));
        tx_origin(dest: u32) -> () => |cx| h::tx_origin(cx, p(dest));
        tx_gas_price(dest: u32) -> () => |cx| h::tx_gas_price(cx, p(dest));
        tx_ink_price() -> u32 => h::tx_ink_price;
        block_basefee(dest: u32) -> () => |cx| h::block_basefee(cx, p(dest));
        block_coinbase(dest: u32) -> () => |cx| h::block_coinbase(cx, p(dest));
        block_gas_limit() -> u64 => h::block_gas_limit;
        block_number() -> u64 => h::block_number;
        block_timestamp() -> u64 => h::block_timestamp;
        chainid() -> u64 => h::chainid;
        evm_gas_left() -> u64 => h::evm_gas_left;
        evm_ink_left() -> u64 => h::evm_ink_left;
        math_div(value: u32, divisor: u32) -> () => |cx| h::math_div(cx, p(value), p(divisor));
        math_mod(value: u32, modulus: u32) -> () => |cx| h::math_mod(cx, p(value), p(modulus));
        math_pow(value: u32, exponent: u32) -> () => |cx| h::math_pow(cx, p(value), p(exponent));
        math_add_mod(value: u32, addend: u32, modulus: u32) -> () => |cx| h::math_add_mod(cx, p(value), p(addend), p(modulus));
        math_mul_mod(value: u32, multiplier: u32, modulus: u32) -> () =>
            |cx| h::math_mul_mod(cx, p(value), p(multiplier), p(modulus));
    )
}

#[cfg(test)]
mod tests {
    use wasmer::{Extern, FunctionEnv, Store, Type};
    use world_mock::stylus::{StylusCall, VM_HOOKS, ValType};

    use super::{HostData, MODULE, imports};
    use crate::engine::Compiler;

    /// Every hook of world-mock's import table (the one activation checks) is defined here with
    /// the same signature, and nothing else is.
    #[test]
    fn imports_match_the_activation_table() {
        let mut store = Store::new(Compiler::new(crate::engine::Instrumentation::None).engine().clone());
        let call = StylusCall {
            code: Default::default(),
            code_address: Default::default(),
            contract: Default::default(),
            caller: Default::default(),
            value: Default::default(),
            calldata: Default::default(),
            gas_limit: 0,
            is_static: false,
            depth: 1,
            wasm: Default::default(),
            program: Default::default(),
            ink_limit: 0,
            params: Default::default(),
        };
        let env = FunctionEnv::new(&mut store, HostData::new(&call));
        let imports = imports(&mut store, &env);
        assert_eq!(imports.iter().count(), VM_HOOKS.len());
        assert!(super::host_function(&mut store, &env, "no_such_hook").is_none());
        let wasm = |types: &[ValType]| -> Vec<Type> {
            types
                .iter()
                .map(|t| match t {
                    ValType::I32 => Type::I32,
                    ValType::I64 => Type::I64,
                    ValType::F32 => Type::F32,
                    ValType::F64 => Type::F64,
                })
                .collect()
        };
        for (name, signature) in VM_HOOKS {
            let Some(Extern::Function(function)) = imports.get_export(MODULE, name) else {
                panic!("vm_hooks.{name} is not defined");
            };
            let ty = function.ty(&store);
            assert_eq!(ty.params(), wasm(signature.params), "{name} params");
            assert_eq!(ty.results(), wasm(signature.results), "{name} results");
        }
    }
}
