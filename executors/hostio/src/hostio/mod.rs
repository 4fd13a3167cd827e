//! The 42 `vm_hooks` (stylus-semantics §3.1), each as nitro's `user-host-trait` runs it: pay
//! the base ink, check ("require") what the chain may charge, read the arguments, ask the
//! hooks, pay the gas they report, write the results. Executors bind these to their guests;
//! arguments are guest addresses ([`Ptr`](crate::Ptr)) and `u32` lengths.

mod calls;
mod chain;
mod info;
mod io;
mod math;

pub use calls::{call_contract, create1, create2, delegate_call_contract, static_call_contract};
pub use chain::{
    account_balance, account_code, account_code_size, account_codehash, emit_log, storage_cache_bytes32,
    storage_flush_cache, storage_load_bytes32, transient_load_bytes32, transient_store_bytes32,
};
pub use info::{
    block_basefee, block_coinbase, block_gas_limit, block_number, block_timestamp, chainid, contract_address,
    evm_gas_left, evm_ink_left, msg_reentrant, msg_sender, msg_value, tx_gas_price, tx_ink_price, tx_origin,
};
pub use io::{
    exit_early, native_keccak256, pay_for_memory_grow, read_args, read_return_data, return_data_size, write_result,
};
pub use math::{math_add_mod, math_div, math_mod, math_mul_mod, math_pow};
