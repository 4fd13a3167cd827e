//! The `vm_hooks` host functions against the fake chain, with their ink.

use std::sync::Arc;

use world_mock::revm::primitives::{B256, U256, keccak256};
use world_mock::stylus::{CallKind, StylusExecutor, StylusStatus};

use crate::common::{FakeHooks, GAS, INK_PRICE, Nested, SLOAD_GAS, SSTORE_GAS, call, executor, module, run};

const HEADER: u64 = 2_450;

/// The 42 imports with nitro's exact WASM signatures (stylus-semantics §3.1).
const ALL_HOOKS: &str = r#"
  (import "vm_hooks" "read_args" (func (param i32)))
  (import "vm_hooks" "write_result" (func (param i32 i32)))
  (import "vm_hooks" "exit_early" (func (param i32)))
  (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
  (import "vm_hooks" "storage_load_bytes32" (func (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func (param i32)))
  (import "vm_hooks" "transient_load_bytes32" (func (param i32 i32)))
  (import "vm_hooks" "transient_store_bytes32" (func (param i32 i32)))
  (import "vm_hooks" "call_contract" (func (param i32 i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "delegate_call_contract" (func (param i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "static_call_contract" (func (param i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "create1" (func (param i32 i32 i32 i32 i32)))
  (import "vm_hooks" "create2" (func (param i32 i32 i32 i32 i32 i32)))
  (import "vm_hooks" "read_return_data" (func (param i32 i32 i32) (result i32)))
  (import "vm_hooks" "return_data_size" (func (result i32)))
  (import "vm_hooks" "emit_log" (func (param i32 i32 i32)))
  (import "vm_hooks" "native_keccak256" (func (param i32 i32 i32)))
  (import "vm_hooks" "account_balance" (func (param i32 i32)))
  (import "vm_hooks" "account_codehash" (func (param i32 i32)))
  (import "vm_hooks" "account_code" (func (param i32 i32 i32 i32) (result i32)))
  (import "vm_hooks" "account_code_size" (func (param i32) (result i32)))
  (import "vm_hooks" "block_basefee" (func (param i32)))
  (import "vm_hooks" "block_coinbase" (func (param i32)))
  (import "vm_hooks" "contract_address" (func (param i32)))
  (import "vm_hooks" "tx_gas_price" (func (param i32)))
  (import "vm_hooks" "tx_origin" (func (param i32)))
  (import "vm_hooks" "msg_sender" (func (param i32)))
  (import "vm_hooks" "msg_value" (func (param i32)))
  (import "vm_hooks" "msg_reentrant" (func (result i32)))
  (import "vm_hooks" "tx_ink_price" (func (result i32)))
  (import "vm_hooks" "block_gas_limit" (func (result i64)))
  (import "vm_hooks" "block_number" (func (result i64)))
  (import "vm_hooks" "block_timestamp" (func (result i64)))
  (import "vm_hooks" "chainid" (func (result i64)))
  (import "vm_hooks" "evm_gas_left" (func (result i64)))
  (import "vm_hooks" "evm_ink_left" (func (result i64)))
  (import "vm_hooks" "math_div" (func (param i32 i32)))
  (import "vm_hooks" "math_mod" (func (param i32 i32)))
  (import "vm_hooks" "math_pow" (func (param i32 i32)))
  (import "vm_hooks" "math_add_mod" (func (param i32 i32 i32)))
  (import "vm_hooks" "math_mul_mod" (func (param i32 i32 i32)))"#;

#[test]
fn all_42_hooks_link_with_exact_signatures() {
    assert_eq!(ALL_HOOKS.matches("(import").count(), 42);
    let (outcome, _) = run(&module(ALL_HOOKS, "i32.const 0"), &[]);
    assert_eq!(outcome.status, StylusStatus::Success, "{:?}", outcome.detail);
}

const IMPORTS: &str = r#"
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "native_keccak256" (func $keccak (param i32 i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (import "vm_hooks" "math_div" (func $div (param i32 i32)))
  (import "vm_hooks" "math_pow" (func $pow (param i32 i32)))
  (import "vm_hooks" "msg_sender" (func $sender (param i32)))
  (import "vm_hooks" "chainid" (func $chainid (result i64)))
  (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "read_return_data" (func $read_return (param i32 i32 i32) (result i32)))
  (import "vm_hooks" "emit_log" (func $log (param i32 i32 i32)))"#;

fn read_price(n: u64) -> u64 {
    16_381 + 55 * n.saturating_sub(32)
}

#[test]
fn keccak_result_and_ink() {
    let body = "i32.const 0 call $read_args
                i32.const 0 local.get $len i32.const 100 call $keccak
                i32.const 100 i32.const 32 call $write_result
                i32.const 0";
    let input = b"hello";
    let (outcome, _) = run(&module(IMPORTS, body), input);
    assert_eq!(outcome.status, StylusStatus::Success);
    assert_eq!(&outcome.output[..], keccak256(input).as_slice());
    let blocks = (1 + 3_800 + HEADER) + (1 + 75 + 1 + 3_800 + HEADER) + (1 + 1 + 3_800 + HEADER) + (1 + 1 + HEADER);
    let read_args = 8_400 + 5_040; // base + write_price(5)
    let keccak = 121_800; // keccak_price(5): up to two words are in the base
    let write_result = 8_400 + 2 * read_price(32);
    assert_eq!(outcome.ink_used, Some(blocks + read_args + keccak + write_result));
}

#[test]
fn storage_round_trip_through_hooks() {
    // key at 0 (zero), value at 32 (calldata), cache + flush, then load into 64 and return it
    let body = "i32.const 32 call $read_args
                i32.const 0 i32.const 32 call $cache
                i32.const 0 call $flush
                i32.const 0 i32.const 64 call $load
                i32.const 64 i32.const 32 call $write_result
                i32.const 0";
    let value = [0xabu8; 32];
    let (outcome, hooks) = run(&module(IMPORTS, body), &value);
    assert_eq!(outcome.status, StylusStatus::Success, "{:?}", outcome.detail);
    assert_eq!(&outcome.output[..], &value);
    assert_eq!(hooks.storage.get(&B256::ZERO), Some(&B256::from(value)));
    let blocks = (1 + 3_800 + HEADER)
        + (1 + 1 + 3_800 + HEADER) * 2
        + (1 + 3_800 + HEADER)
        + (1 + 1 + 3_800 + HEADER)
        + (1 + 1 + HEADER);
    let hostios = (8_400 + 5_040) // read_args(32)
        + 18_480 // storage_cache_bytes32 (the fake chain charges no gas)
        + 68_073 + SSTORE_GAS * INK_PRICE // flush one dirty slot
        + 18_480 + SLOAD_GAS * INK_PRICE // load
        + 8_400 + 2 * read_price(32);
    assert_eq!(outcome.ink_used, Some(blocks + hostios));
}

#[test]
fn math_hooks() {
    // 10 / 0 = 0 (EVM semantics); 3 ** 5 = 243
    let body = "i32.const 31 i32.const 10 i32.store8
                i32.const 0 i32.const 32 call $div
                i32.const 95 i32.const 3 i32.store8 i32.const 127 i32.const 5 i32.store8
                i32.const 64 i32.const 96 call $pow
                i32.const 0 i32.const 128 call $write_result
                i32.const 0";
    let (outcome, _) = run(&module(IMPORTS, body), &[]);
    assert_eq!(outcome.status, StylusStatus::Success, "{:?}", outcome.detail);
    let word = |i: usize| U256::from_be_slice(&outcome.output[32 * i..32 * (i + 1)]);
    assert_eq!(word(0), U256::ZERO);
    assert_eq!(word(2), U256::from(243));
}

#[test]
fn getters() {
    let body = "i32.const 0 call $sender
                i32.const 32 call $chainid i64.store
                i32.const 0 i32.const 40 call $write_result
                i32.const 0";
    let (outcome, _) = run(&module(IMPORTS, body), &[]);
    assert_eq!(outcome.status, StylusStatus::Success, "{:?}", outcome.detail);
    assert_eq!(&outcome.output[..20], &[0xca; 20]);
    assert_eq!(u64::from_le_bytes(outcome.output[32..40].try_into().unwrap()), 412_346);
}

#[test]
fn calls_and_clipped_return_data() {
    // call with 4 bytes of calldata, then read return data from offset 5, asking 100 bytes
    let body =
        "(drop (call $call (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 0) (i64.const -1) (i32.const 100)))
                (i32.store (i32.const 104) (call $read_return (i32.const 200) (i32.const 5) (i32.const 100)))
                (call $write_result (i32.const 100) (i32.const 8))
                (call $write_result (i32.const 100) (i32.const 103))
                i32.const 0";
    let (outcome, hooks) = run(&module(IMPORTS, body), &[]);
    assert_eq!(outcome.status, StylusStatus::Success, "{:?}", outcome.detail);
    let (kind, _, data, gas_req) = &hooks.calls[0];
    assert_eq!((*kind, data.len()), (CallKind::Call, 4));
    assert!(*gas_req < GAS, "the request is capped at the gas left");
    assert_eq!(&outcome.output[..4], &8u32.to_le_bytes(), "ret_len = len(\"returned\")");
    assert_eq!(&outcome.output[4..8], &3u32.to_le_bytes(), "only 3 bytes past offset 5");
    assert_eq!(&outcome.output[100..103], b"ned");
}

#[test]
fn emit_log_splits_topics() {
    let body = "(call $log (i32.const 0) (i32.const 40) (i32.const 1)) i32.const 0";
    let (outcome, hooks) = run(&module(IMPORTS, body), &[]);
    assert_eq!(outcome.status, StylusStatus::Success);
    assert_eq!(hooks.logs.len(), 1);
    assert_eq!((hooks.logs[0].0.len(), hooks.logs[0].1.len()), (1, 8));
    let (outcome, _) = run(&module(IMPORTS, "(call $log (i32.const 0) (i32.const 40) (i32.const 2)) i32.const 0"), &[]);
    assert_eq!(outcome.status, StylusStatus::Failure, "2 topics need 64 bytes");
}

#[test]
fn nested_stylus_frame_reenters_the_executor() {
    let inner =
        module(IMPORTS, "i32.const 0 call $read_args i32.const 0 local.get $len call $write_result i32.const 0");
    let executor = Arc::new(executor());
    let body =
        "(drop (call $call (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 0) (i64.const 100000) (i32.const 100)))
                (drop (call $read_return (i32.const 200) (i32.const 0) (i32.const 4)))
                (call $write_result (i32.const 200) (i32.const 4))
                i32.const 0";
    let outer = module(IMPORTS, body).replace(r#"1 1)"#, r#"1 1) (data (i32.const 0) "ping")"#);
    let mut hooks = FakeHooks {
        nested: Some(Nested { executor: executor.clone(), call: call(&inner, b"", 0) }),
        ..Default::default()
    };
    let outcome = executor.execute(&call(&outer, &[], GAS), &mut hooks);
    assert_eq!(outcome.status, StylusStatus::Success, "{:?}", outcome.detail);
    assert_eq!(&outcome.output[..], b"ping");
    let nested = hooks.nested_outcome.expect("the nested frame ran");
    assert_eq!(nested.status, StylusStatus::Success);
    assert!(nested.gas_used > 0);
    assert_eq!(executor.stats().compiles, 2);
}

const ZERO_LENGTH_IMPORTS: &str = r#"
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "emit_log" (func $log (param i32 i32 i32)))
  (import "vm_hooks" "native_keccak256" (func $keccak (param i32 i32 i32)))
  (import "vm_hooks" "account_code" (func $code (param i32 i32 i32 i32) (result i32)))
  (import "vm_hooks" "read_return_data" (func $read_return (param i32 i32 i32) (result i32)))
  (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "delegate_call_contract" (func $delegate (param i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "static_call_contract" (func $static (param i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "create1" (func $create1 (param i32 i32 i32 i32 i32)))
  (import "vm_hooks" "create2" (func $create2 (param i32 i32 i32 i32 i32 i32)))"#;

/// Zero-length accesses at an address past the memory, as nitro has them (issue 13). Both of
/// nitro's memories — Wasmer's `MemoryView` in the JIT and the prover's `check_memory_access` —
/// refuse an access when `ptr + len > memory size`, even for `len` 0, and accept one that ends
/// exactly at the end. So a hostio fails whenever nitro *makes* the zero-length access
/// (`read_args`, `write_result`, `emit_log`, `native_keccak256`, `account_code`'s write, the calls'
/// and creates' reads), and succeeds when nitro skips it (`read_return_data` with nothing to copy).
#[test]
fn zero_length_accesses_past_the_memory_follow_nitro() {
    const END: u32 = 65_536; // the 1-page memory of `module`
    let cases: [(&str, &str, bool); 11] = [
        ("read_args", "(call $read_args (i32.const {P}))", true),
        ("write_result", "(call $write_result (i32.const {P}) (i32.const 0))", true),
        ("emit_log", "(call $log (i32.const {P}) (i32.const 0) (i32.const 0))", true),
        ("native_keccak256", "(call $keccak (i32.const {P}) (i32.const 0) (i32.const 0))", true),
        // The fake chain's code has 10 bytes: offset 20 leaves nothing, nitro writes nothing there.
        ("account_code", "(drop (call $code (i32.const 0) (i32.const 20) (i32.const 0) (i32.const {P})))", true),
        (
            "read_return_data",
            "(drop (call $call (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i64.const 1000) (i32.const 64)))
             (drop (call $read_return (i32.const {P}) (i32.const 0) (i32.const 0)))
             (drop (call $read_return (i32.const {P}) (i32.const 100) (i32.const 8)))",
            false,
        ),
        (
            "call_contract",
            "(drop (call $call (i32.const 0) (i32.const {P}) (i32.const 0) (i32.const 0) (i64.const 1000) (i32.const 64)))",
            true,
        ),
        (
            "delegate_call_contract",
            "(drop (call $delegate (i32.const 0) (i32.const {P}) (i32.const 0) (i64.const 1000) (i32.const 64)))",
            true,
        ),
        (
            "static_call_contract",
            "(drop (call $static (i32.const 0) (i32.const {P}) (i32.const 0) (i64.const 1000) (i32.const 64)))",
            true,
        ),
        ("create1", "(call $create1 (i32.const {P}) (i32.const 0) (i32.const 0) (i32.const 64) (i32.const 96))", true),
        (
            "create2",
            "(call $create2 (i32.const {P}) (i32.const 0) (i32.const 0) (i32.const 32) (i32.const 64) (i32.const 96))",
            true,
        ),
    ];
    for (name, call, nitro_fails) in cases {
        for (ptr, past_the_end) in [(END, false), (END + 1, true), (u32::MAX, true)] {
            let body = format!("{} i32.const 0", call.replace("{P}", &(ptr as i32).to_string()));
            let (outcome, _) = run(&module(ZERO_LENGTH_IMPORTS, &body), &[]);
            let want = if nitro_fails && past_the_end { StylusStatus::Failure } else { StylusStatus::Success };
            assert_eq!(outcome.status, want, "{name} with length 0 at {ptr}: {:?}", outcome.detail);
        }
    }
}

/// Frames make only the hooks their module imports; linking must still behave as by name:
/// an unknown import or a wrong signature is Wasmer's link error, a hook imported twice works.
#[test]
fn linking_only_the_imported_hooks_keeps_link_errors() {
    let failure = |imports: &str| {
        let (outcome, _) = run(&module(imports, "i32.const 0"), &[]);
        assert_eq!(outcome.status, StylusStatus::Failure);
        outcome.detail.unwrap_or_default()
    };
    // Exactly what linking by name (`Imports` + `Instance::new`) reported.
    assert_eq!(
        failure(r#"(import "vm_hooks" "no_such_hook" (func (param i32)))"#),
        r#"instantiation: Error while importing "vm_hooks"."no_such_hook": unknown import. Expected Function(FunctionType { params: [I32], results: [] })"#
    );
    assert_eq!(
        failure(r#"(import "env" "read_args" (func (param i32)))"#),
        r#"instantiation: Error while importing "env"."read_args": unknown import. Expected Function(FunctionType { params: [I32], results: [] })"#
    );
    assert_eq!(
        failure(r#"(import "vm_hooks" "read_args" (func (param i64)))"#),
        r#"instantiation: Error while importing "vm_hooks"."read_args": incompatible import type. Expected Function(FunctionType { params: [I64], results: [] }) but received Function(FunctionType { params: [I32], results: [] })"#
    );
    let twice = r#"(import "vm_hooks" "msg_sender" (func $a (param i32)))
                   (import "vm_hooks" "msg_sender" (func $b (param i32)))"#;
    let (outcome, _) = run(&module(twice, "(call $a (i32.const 0)) (call $b (i32.const 32)) i32.const 0"), &[]);
    assert_eq!(outcome.status, StylusStatus::Success, "{:?}", outcome.detail);
}
