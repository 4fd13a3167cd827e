//! The depth checker's compile-time limits: frame size (10,240 words) and operand-stack
//! contention (4,096 values).

use executor_wasmer::{CacheOptions, WasmerExecutor};
use world_mock::revm::primitives::B256;
use world_mock::stylus::{StylusExecutor, StylusStatus};

use crate::common::{FakeHooks, GAS, call, module};

fn compile(wat: &str) -> Result<(), String> {
    let wasm = wat::parse_str(wat).unwrap();
    WasmerExecutor::new(CacheOptions::memory_only()).module(B256::ZERO, &wasm).map(|_| ()).map_err(|e| e.to_string())
}

fn with_locals(n: usize) -> String {
    module("", &format!("(local {}) i32.const 0", "i32 ".repeat(n)))
}

#[test]
fn frame_size_limit_is_exact() {
    // frame = worst stack 2 (the meter's check) + locals + 4
    assert!(compile(&with_locals(10_234)).is_ok());
    let error = compile(&with_locals(10_235)).unwrap_err();
    assert!(error.contains("frame too large: 10241 > 10240"), "{error}");
}

#[test]
fn contention_limit() {
    let body = |n: usize| format!("{} {} i32.const 0", "i32.const 1 ".repeat(n), "drop ".repeat(n));
    assert!(compile(&module("", &body(4_096))).is_ok());
    let error = compile(&module("", &body(4_097))).unwrap_err();
    assert!(error.contains("too many values on the stack"), "{error}");
}

#[test]
fn rejected_programs_are_invalid_code() {
    let outcome = WasmerExecutor::new(CacheOptions::memory_only())
        .execute(&call(&with_locals(20_000), &[], GAS), &mut FakeHooks::default());
    assert_eq!(outcome.status, StylusStatus::InvalidCode);
    assert_eq!(outcome.gas_used, GAS);
}

#[test]
fn growable_memory_needs_the_pay_import() {
    let wat = r#"(module (memory (export "memory") 1 2)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    let error = compile(wat).unwrap_err();
    assert!(error.contains("pay_for_memory_grow"), "{error}");
}
