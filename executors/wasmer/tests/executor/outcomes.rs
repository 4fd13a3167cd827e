//! How frames end: return value, `exit_early`, traps, the depth budget, bad memory accesses.

use world_mock::stylus::{StylusExecutor, StylusStatus};

use crate::common::{FakeHooks, GAS, INK_PRICE, call, executor, module, run};

const IO: &str = r#"
    (import "vm_hooks" "read_args" (func $read_args (param i32)))
    (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
    (import "vm_hooks" "exit_early" (func $exit_early (param i32)))"#;

/// Adds a data segment at address 0.
fn with_data(wat: &str, data: &str) -> String {
    let memory = r#"(memory (export "memory") 1 1)"#;
    wat.replace(memory, &format!(r#"{memory} (data (i32.const 0) "{data}")"#))
}

#[test]
fn nonzero_return_reverts_with_output() {
    let body = "i32.const 0 call $read_args i32.const 0 local.get $len call $write_result i32.const 3";
    let (outcome, _) = run(&module(IO, body), b"oops");
    assert_eq!(outcome.status, StylusStatus::Revert);
    assert_eq!(&outcome.output[..], b"oops");
}

#[test]
fn read_args_echo_succeeds() {
    let body = "i32.const 8 call $read_args i32.const 8 local.get $len call $write_result i32.const 0";
    let (outcome, _) = run(&module(IO, body), b"hello world");
    assert_eq!(outcome.status, StylusStatus::Success);
    assert_eq!(&outcome.output[..], b"hello world");
}

#[test]
fn last_write_result_wins() {
    let body = "i32.const 0 i32.const 3 call $write_result i32.const 3 i32.const 2 call $write_result i32.const 0";
    let (outcome, _) = run(&with_data(&module(IO, body), "abcxy"), &[]);
    assert_eq!(outcome.status, StylusStatus::Success);
    assert_eq!(&outcome.output[..], b"xy");
}

#[test]
fn exit_early_keeps_the_result() {
    let wat = |status: u32| {
        let body =
            format!("i32.const 0 i32.const 3 call $write_result i32.const {status} call $exit_early unreachable");
        with_data(&module(IO, &body), "bye")
    };
    let (outcome, _) = run(&wat(0), &[]);
    assert_eq!((outcome.status, &outcome.output[..]), (StylusStatus::Success, &b"bye"[..]));
    let (outcome, _) = run(&wat(1), &[]);
    assert_eq!((outcome.status, &outcome.output[..]), (StylusStatus::Revert, &b"bye"[..]));
}

#[test]
fn unreachable_fails_and_keeps_gas() {
    let (outcome, _) = run(&module("", "unreachable"), &[]);
    assert_eq!(outcome.status, StylusStatus::Failure);
    // one block: unreachable (1) + end (1) + header; the remaining gas is kept
    assert_eq!(outcome.ink_used, Some(1 + 1 + 2_450));
    assert!(outcome.output.is_empty());
    assert!(outcome.detail.is_some());
}

#[test]
fn out_of_bounds_load_fails() {
    let (outcome, _) = run(&module("", "i32.const 65536 i32.load"), &[]);
    assert_eq!(outcome.status, StylusStatus::Failure);
}

#[test]
fn out_of_bounds_hostio_fails() {
    let (outcome, _) = run(&module(IO, "i32.const 65534 call $read_args i32.const 0"), b"12345");
    assert_eq!(outcome.status, StylusStatus::Failure);
    let (outcome, _) = run(&module(IO, "i32.const 65530 i32.const 100 call $write_result i32.const 0"), &[]);
    assert_eq!(outcome.status, StylusStatus::Failure);
    // a 4 GiB result is paid for before it is read: out of ink, not an out-of-bounds read
    let (outcome, _) = run(&module(IO, "i32.const -1 i32.const -1 call $write_result i32.const 0"), &[]);
    assert_eq!(outcome.status, StylusStatus::OutOfInk);
}

#[test]
fn deep_recursion_runs_out_of_stack() {
    let wat = r#"(module (memory (export "memory") 1 1)
        (func $f call $f)
        (func (export "user_entrypoint") (param i32) (result i32) call $f i32.const 0))"#;
    let (outcome, _) = run(wat, &[]);
    assert_eq!(outcome.status, StylusStatus::OutOfStack);
    assert_eq!(outcome.gas_used, GAS);
}

#[test]
fn recursion_with_nitro_era_budget_never_crashes() {
    // 262,144 words (before ArbOS 50): must end as OutOfStack or Failure, never kill the process
    let wat = r#"(module (memory (export "memory") 1 1)
        (func $f (param i64 i64 i64) (local i64 i64 i64 i64 i64 i64 i64 i64)
          local.get 0 local.get 1 local.get 2 call $f)
        (func (export "user_entrypoint") (param i32) (result i32)
          i64.const 1 i64.const 2 i64.const 3 call $f i32.const 0))"#;
    let mut frame = call(wat, &[], 10_000_000);
    frame.params.max_stack_depth = 262_144;
    let outcome = executor().execute(&frame, &mut FakeHooks::default());
    assert!(matches!(outcome.status, StylusStatus::OutOfStack | StylusStatus::Failure), "{outcome:?}");
}

#[test]
fn native_stack_overflow_is_a_failure_not_a_crash() {
    // a budget no native stack can hold: the WASM stack overflows first and traps
    let wat = r#"(module (memory (export "memory") 1 1)
        (func $f call $f)
        (func (export "user_entrypoint") (param i32) (result i32) call $f i32.const 0))"#;
    let mut frame = call(wat, &[], GAS * 1_000);
    frame.ink_limit = u64::MAX / 2;
    frame.params.max_stack_depth = u32::MAX;
    let outcome = executor().execute(&frame, &mut FakeHooks::default());
    assert_eq!(outcome.status, StylusStatus::Failure, "{:?}", outcome.detail);
    assert!(outcome.detail.unwrap_or_default().contains("native stack overflow"));
}

#[test]
fn frame_sizes_are_exact() {
    // entrypoint frame: worst stack 2 (the meter's check) + 0 locals + 4 = 6 words; the budget
    // must stay above the frame (`stack_left <= size` traps)
    let wat = module("", "i32.const 0");
    let outcome_with = |budget: u32| {
        let mut frame = call(&wat, &[], GAS);
        frame.params.max_stack_depth = budget;
        executor().execute(&frame, &mut FakeHooks::default()).status
    };
    assert_eq!(outcome_with(6), StylusStatus::OutOfStack);
    assert_eq!(outcome_with(7), StylusStatus::Success);

    // f(n) recurses n times
    let rec = r#"(module (memory (export "memory") 1 1)
        (func $f (param $n i32)
          local.get $n
          if local.get $n i32.const 1 i32.sub call $f end)
        (func (export "user_entrypoint") (param $len i32) (result i32)
          local.get $len call $f i32.const 0))"#;
    // $f: worst stack 2 (local.get, i32.const before the sub), no declared locals: 6 words;
    // entry: worst 2: 6 words. Depth n means 1 entry + (n + 1) frames of $f.
    let run_rec = |n: usize, budget: u32| {
        let mut frame = call(rec, &vec![0; n], GAS);
        frame.params.max_stack_depth = budget;
        executor().execute(&frame, &mut FakeHooks::default()).status
    };
    for n in [0usize, 5, 100] {
        let needed = 6 * (n as u32 + 2);
        assert_eq!(run_rec(n, needed + 1), StylusStatus::Success, "n = {n}");
        assert_eq!(run_rec(n, needed), StylusStatus::OutOfStack, "n = {n}");
    }
    let _ = INK_PRICE;
}
