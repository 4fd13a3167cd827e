//! Exact ink, computed by hand from `pricing_v1` (stylus-semantics §2.2): each basic block costs
//! the sum of its operators, including the one that ends it, plus the 2,450 header.

use world_mock::stylus::{StylusExecutor, StylusStatus};

use crate::common::{FakeHooks, GAS, INK_PRICE, PAGE_GAS, call, executor, module, run};

const HEADER: u64 = 2_450;

#[test]
fn smallest_program() {
    // one block: i32.const (1) + end (1)
    let (outcome, _) = run(&module("", "i32.const 0"), &[]);
    assert_eq!(outcome.status, StylusStatus::Success);
    assert_eq!(outcome.ink_used, Some(1 + 1 + HEADER));
    // gas left is ink left / ink price, rounded down: 2,452 ink costs one gas
    assert_eq!(outcome.gas_used, 1);
}

#[test]
fn counting_loop() {
    let body = r#"
        (local $i i32)
        (block $done
          (loop $top
            local.get $i local.get $len i32.ge_u br_if $done
            local.get $i i32.const 1 i32.add local.set $i
            br $top))
        i32.const 0"#;
    let wat = module("", body);
    // block + loop, ending at `loop`
    let enter = 1 + 1 + HEADER;
    // local.get, local.get, i32.ge_u, br_if
    let test = 75 + 75 + 170 + 765 + HEADER;
    // local.get, i32.const, i32.add, local.set, br
    let step = 75 + 1 + 70 + 210 + 765 + HEADER;
    // the `end`s of the loop and the block are never reached (branches skip their headers)
    let exit = 1 + 1 + HEADER; // i32.const 0, end
    for n in [0u64, 1, 3, 10] {
        let (outcome, _) = run(&wat, &vec![0; n as usize]);
        assert_eq!(outcome.status, StylusStatus::Success);
        assert_eq!(outcome.ink_used, Some(enter + (n + 1) * test + n * step + exit), "n = {n}");
    }
}

#[test]
fn call_and_br_table_prices() {
    let wat = r#"(module
        (memory (export "memory") 1 1)
        (type $t (func (param i32 i32) (result i32)))
        (table 1 funcref)
        (elem (i32.const 0) $add)
        (func $add (type $t) local.get 0 local.get 1 i32.add)
        (func (export "user_entrypoint") (param $len i32) (result i32)
          (block $a (block $b local.get $len br_table $a $b $a))
          i32.const 1 i32.const 2 i32.const 0 call_indirect (type $t)
          drop i32.const 0))"#;
    // entrypoint: [block, block, local.get, br_table(2 targets)] then the `end`s (skipped:
    // br_table leaves both blocks, the outer end's header is skipped too), then
    // [i32.const ×3, call_indirect(2 params)], then [drop, i32.const, end]
    let first = 1 + 1 + 75 + (2_400 + 325 * 2) + HEADER;
    let call_block = 1 + 1 + 1 + (13_610 + 650 * 2) + HEADER;
    let last = 9 + 1 + 1 + HEADER;
    // $add: local.get, local.get, i32.add, end
    let add = 75 + 75 + 70 + 1 + HEADER;
    let (outcome, _) = run(wat, &[]);
    assert_eq!(outcome.status, StylusStatus::Success);
    // len 0 -> br_table index 0 -> $a: exits both blocks
    assert_eq!(outcome.ink_used, Some(first + call_block + add + last));
}

#[test]
fn infinite_loop_runs_out_of_ink() {
    let (outcome, _) = run(&module("", "(loop $l br $l) i32.const 0"), &[]);
    assert_eq!(outcome.status, StylusStatus::OutOfInk);
    assert_eq!(outcome.ink_used, Some(GAS * INK_PRICE));
    assert_eq!(outcome.gas_used, GAS);
}

#[test]
fn float_ops_always_run_out_of_ink() {
    let (outcome, _) = run(&module("", "f32.const 1 drop i32.const 0"), &[]);
    assert_eq!(outcome.status, StylusStatus::OutOfInk);
}

#[test]
fn memory_copy_pays_per_byte() {
    let body = |n: u32| format!("i32.const 0 i32.const 100 i32.const {n} memory.copy i32.const 0");
    // i32.const ×3, memory.copy (950), i32.const, end
    let block = 1 + 1 + 1 + 950 + 1 + 1 + HEADER;
    for n in [0u32, 1, 1000] {
        let (outcome, _) = run(&module("", &body(n)), &[]);
        assert_eq!(outcome.status, StylusStatus::Success);
        assert_eq!(outcome.ink_used, Some(block + 100 * u64::from(n)), "n = {n}");
    }
    let fill = "i32.const 0 i32.const 7 i32.const 500 memory.fill i32.const 0";
    assert_eq!(run(&module("", fill), &[]).0.ink_used, Some(block + 100 * 500));
}

#[test]
fn memory_copy_beyond_the_ink_runs_out() {
    let wat = module("", "i32.const 0 i32.const 0 i32.const 65536 memory.copy i32.const 0");
    let mut small = call(&wat, &[], 100); // 1,000,000 ink < 6,553,600
    let outcome = executor().execute(&small, &mut FakeHooks::default());
    assert_eq!(outcome.status, StylusStatus::OutOfInk);
    small.gas_limit = 1_000;
    small.ink_limit = 1_000 * INK_PRICE;
    assert_eq!(executor().execute(&small, &mut FakeHooks::default()).status, StylusStatus::Success);
}

#[test]
fn memory_grow_is_paid_and_bounded() {
    let wat = r#"(module
        (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
        (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
        (memory (export "memory") 1)
        (func (export "user_entrypoint") (param $len i32) (result i32)
          i32.const 0 i32.const 2 memory.grow i32.store
          i32.const 4 i32.const 1000 memory.grow i32.store
          i32.const 0 i32.const 8 call $write_result
          i32.const 0))"#;
    let mut hooks = FakeHooks { free_pages: true, ..FakeHooks::default() };
    let outcome = executor().execute(&call(wat, &[], GAS), &mut hooks);
    assert_eq!(outcome.status, StylusStatus::Success);
    let old = i32::from_le_bytes(outcome.output[0..4].try_into().unwrap());
    let failed = i32::from_le_bytes(outcome.output[4..8].try_into().unwrap());
    assert_eq!((old, failed), (1, -1), "grow by 2 from 1 page; 1000 more is beyond the 128-page bound");
    assert_eq!(hooks.pages_requested, vec![2, 1000]);
    // consts, grow, store, consts, grow, store, consts, call | const, end; plus write_result(8)
    let blocks = (1 + 1 + 8_050 + 825) * 2 + 1 + 1 + 3_800 + HEADER + 1 + 1 + HEADER;
    assert_eq!(outcome.ink_used, Some(blocks + 8_400 + 2 * 16_381));

    // priced pages: 128 open pages are allowed, the 129th costs more gas than exists
    let (outcome, hooks) = run(&wat.replace("i32.const 1000", "i32.const 126"), &[]);
    assert_eq!((outcome.status, hooks.open_pages), (StylusStatus::Success, 128));
    let ink = blocks + 8_400 + 2 * 16_381 + (2 + 126) * PAGE_GAS * INK_PRICE;
    assert_eq!(outcome.ink_used, Some(ink));
    let (outcome, hooks) = run(&wat.replace("i32.const 1000", "i32.const 127"), &[]);
    assert_eq!((outcome.status, hooks.open_pages), (StylusStatus::OutOfInk, 129));
}

#[test]
fn memory_grow_bomb_ends_out_of_ink() {
    let wat = r#"(module
        (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
        (memory (export "memory") 1)
        (func (export "user_entrypoint") (param $len i32) (result i32)
          (loop $l i32.const 1 memory.grow drop br $l)
          i32.const 0))"#;
    let (outcome, hooks) = run(wat, &[]);
    assert_eq!(outcome.status, StylusStatus::OutOfInk);
    assert_eq!(hooks.open_pages, 129, "stops at the first page the chain refuses");
}

#[test]
fn unmetered_engine_runs_without_ink() {
    let unmetered = executor_wasmer::WasmerExecutor::unmetered(executor_wasmer::CacheOptions::memory_only());
    // (no meter: an infinite loop would never end, so only terminating programs belong here)
    let body = "i32.const 0 i32.const 0 i32.const 100 memory.copy i32.const 0";
    let outcome = unmetered.execute(&call(&module("", body), &[], 1), &mut FakeHooks::default());
    assert_eq!((outcome.status, outcome.ink_used, outcome.gas_used), (StylusStatus::Success, None, 0));
}
