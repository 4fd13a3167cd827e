//! Registers the 42 `vm_hooks` host functions (stylus-semantics §3.1). Pointers, lengths and
//! `u8`/`bool` results are `i32` (`u32` here); gas and block values are `i64` (`u64`).

use wasmer::{Function, FunctionEnv, Imports, Store};

use super::{HostData, calls, chain, info, io, math};

/// Import module of the Stylus host API.
pub(crate) const MODULE: &str = "vm_hooks";

/// The host functions of one frame.
pub(crate) fn imports(store: &mut Store, env: &FunctionEnv<HostData>) -> Imports {
    let mut imports = Imports::new();
    macro_rules! hooks {
        ($($module:ident :: $name:ident),* $(,)?) => {$(
            let function = Function::new_typed_with_env(store, env, $module::$name);
            imports.define(MODULE, stringify!($name), function);
        )*};
    }
    hooks!(
        io::read_args,
        io::write_result,
        io::exit_early,
        io::pay_for_memory_grow,
        io::native_keccak256,
        io::return_data_size,
        io::read_return_data,
        chain::storage_load_bytes32,
        chain::storage_cache_bytes32,
        chain::storage_flush_cache,
        chain::transient_load_bytes32,
        chain::transient_store_bytes32,
        chain::emit_log,
        chain::account_balance,
        chain::account_code,
        chain::account_code_size,
        chain::account_codehash,
        calls::call_contract,
        calls::delegate_call_contract,
        calls::static_call_contract,
        calls::create1,
        calls::create2,
        info::msg_sender,
        info::msg_value,
        info::msg_reentrant,
        info::contract_address,
        info::tx_origin,
        info::tx_gas_price,
        info::tx_ink_price,
        info::block_basefee,
        info::block_coinbase,
        info::block_gas_limit,
        info::block_number,
        info::block_timestamp,
        info::chainid,
        info::evm_gas_left,
        info::evm_ink_left,
        math::math_div,
        math::math_mod,
        math::math_pow,
        math::math_add_mod,
        math::math_mul_mod,
    );
    imports
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
        let mut store = Store::new(Compiler::new(false).engine().clone());
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
