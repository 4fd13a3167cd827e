//! Pooled linear memories must be invisible: the default executor (memories reused between
//! frames) and one that maps a fresh memory for every frame run the same sequence of frames,
//! and every outcome and every effect on the fake chain must be identical. The sequence mixes
//! programs that dirty memory, read it back, grow it, access past its end and trap, over a few
//! memory types, plus the shared WAT fixtures; the frames of one executor run one after the
//! other, so each reuses memories the earlier ones left. Pooled instances are compared the same
//! way: a stateful program, the fixtures and generated programs, each called several times.

use std::sync::Arc;

use executor_wasmer::{CacheOptions, WasmerExecutor};
use world_mock::stylus::{StylusExecutor, StylusStatus};

use crate::common::{FakeHooks, GAS, Nested, call, observe};
use crate::fixtures::fixture;

const IMPORTS: &str = r#"
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))"#;

/// A module with `memory` (`MIN MAX`) and this entrypoint body.
fn module(memory: &str, body: &str) -> String {
    format!(
        r#"(module {IMPORTS}
             (memory (export "memory") {memory})
             (func (export "user_entrypoint") (param $len i32) (result i32) (local $i i32) {body}))"#
    )
}

/// Fills `[at, at + len)` with `byte`.
fn dirty(memory: &str, at: u32, len: u32, byte: u8) -> String {
    module(memory, &format!("(memory.fill (i32.const {at}) (i32.const {byte}) (i32.const {len})) i32.const 0"))
}

/// Returns 32 bytes read at `at` (zero in a fresh memory).
fn read_back(memory: &str, at: u32) -> String {
    module(memory, &format!("(call $write_result (i32.const {at}) (i32.const 32)) i32.const 0"))
}

/// Copies the calldata to `at`, grows by `pages`, writes past the old end, returns the size.
fn grow(memory: &str, at: u32, pages: u32) -> String {
    module(
        memory,
        &format!(
            "(call $read_args (i32.const {at}))
             (i32.store (i32.const 0) (memory.grow (i32.const {pages})))
             (i32.store (i32.mul (memory.size) (i32.const 65536)) (i32.const 0))
             (call $write_result (i32.const 0) (i32.const 4)) i32.const 0"
        ),
    )
}

/// Stores at `at` (past the end of a 1-page memory unless it grew: a trap).
fn store_at(memory: &str, at: u32) -> String {
    module(memory, &format!("(i32.store8 (i32.const {at}) (i32.const 7)) i32.const 0"))
}

/// Dirties memory, then traps.
fn dirty_then_trap(memory: &str, at: u32) -> String {
    module(memory, &format!("(memory.fill (i32.const {at}) (i32.const 255) (i32.const 4096)) unreachable"))
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

/// The programs of the sequence, with their calldata.
fn frames() -> Vec<(String, Vec<u8>)> {
    // Memories above 256 KiB are reset with `mincore` and `madvise`; smaller ones page by page.
    let memories = ["1 1", "1 4", "2 2", "5 5"];
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    let mut frames = Vec::new();
    for _ in 0..600 {
        let memory = memories[rng.next(memories.len() as u64) as usize];
        let pages: u32 = memory.split(' ').next().unwrap().parse().unwrap();
        let end = pages * 65536;
        let at = rng.next(u64::from(end - 4096)) as u32;
        let program = match rng.next(6) {
            0 => dirty(memory, at, 1 + rng.next(4096) as u32, 1 + rng.next(255) as u8),
            1 | 2 => read_back(memory, [0, at, end - 32][rng.next(3) as usize]),
            3 => grow(memory, at, rng.next(3) as u32),
            4 => store_at(memory, [end, end + 65536 - 1, at][rng.next(3) as usize]),
            _ => dirty_then_trap(memory, at),
        };
        let calldata: Vec<u8> = (0..rng.next(64)).map(|_| rng.next(256) as u8).collect();
        frames.push((program, calldata));
    }
    for name in ["echo", "logger", "storage", "ink-memory-copy", "oob-store", "unreachable", "memory-grow-bomb"] {
        frames.push((fixture(name), b"pooled memories".to_vec()));
        frames.push((read_back("1 1", 0), Vec::new()));
    }
    frames
}

#[test]
fn pooled_memories_behave_like_fresh_ones() {
    let programs: Vec<_> = frames().into_iter().map(|(program, calldata)| (program, vec![calldata])).collect();
    same_on_pooled_and_fresh(&programs);
}

/// A frame that runs while another holds a memory of the same kind (a nested call) gets a
/// memory of its own, zeroed although the pool's memories and the outer frame's were written.
#[test]
fn nested_frames_get_distinct_memories() {
    let pooled = Arc::new(WasmerExecutor::new(CacheOptions::memory_only()));
    for _ in 0..3 {
        pooled.execute(&call(&dirty("1 1", 0, 65536, 9), &[], GAS), &mut FakeHooks::default());
    }
    let outer = format!(
        r#"(module {IMPORTS}
             (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
             (memory (export "memory") 1 1)
             (func (export "user_entrypoint") (param $len i32) (result i32)
               (memory.fill (i32.const 0) (i32.const 5) (i32.const 64))
               (drop (call $call (i32.const 1000) (i32.const 1000) (i32.const 0) (i32.const 2000) (i64.const 100000) (i32.const 3000)))
               (call $write_result (i32.const 0) (i32.const 32)) i32.const 0))"#
    );
    let nested = Nested { executor: pooled.clone(), call: call(&read_back("1 1", 0), &[], GAS) };
    let mut hooks = FakeHooks { nested: Some(nested), ..FakeHooks::default() };
    let outcome = pooled.execute(&call(&outer, &[], GAS), &mut hooks);
    assert_eq!(outcome.status, StylusStatus::Success, "{:?}", outcome.detail);
    assert_eq!(outcome.output.as_ref(), [5u8; 32]);
    let inner = hooks.nested_outcome.expect("the nested frame ran");
    assert_eq!((inner.status, inner.output.as_ref()), (StylusStatus::Success, &[0u8; 32][..]));
}

/// A program with state that outlives a frame unless the instance is reset: a mutable global,
/// a data segment and a page that instantiation leaves zero, in a memory of `pages` pages.
/// Calldata byte 0 picks what the frame does after returning both: write the segment and the
/// global, then return (1), trap (2), grow memory (3) or exit early (4).
fn stateful(pages: u32) -> String {
    format!(
        r#"(module {IMPORTS}
             (import "vm_hooks" "exit_early" (func $exit (param i32)))
             (memory (export "memory") {pages} {})
             (global $count (mut i32) (i32.const 7))
             (data (i32.const 100) "segment bytes, as instantiated")
             (func (export "user_entrypoint") (param $len i32) (result i32)
               (call $read_args (i32.const 200))
               (i32.store (i32.const 96) (i32.add (global.get $count) (i32.load (i32.const 8192))))
               (i32.store (i32.const 8192) (i32.const 99))
               (call $write_result (i32.const 96) (i32.const 40))
               (global.set $count (i32.add (global.get $count) (i32.const 1)))
               (memory.fill (i32.const 100) (i32.load8_u (i32.const 201)) (i32.const 30))
               (if (i32.eq (i32.load8_u (i32.const 200)) (i32.const 2)) (then unreachable))
               (if (i32.eq (i32.load8_u (i32.const 200)) (i32.const 3)) (then (drop (memory.grow (i32.const 1)))))
               (if (i32.eq (i32.load8_u (i32.const 200)) (i32.const 4)) (then (call $exit (i32.const 1))))
               i32.const 0))"#,
        pages + 1
    )
}

/// Runs each program several times on both executors (so the pooled one reuses its instance)
/// and compares every frame.
fn same_on_pooled_and_fresh(programs: &[(String, Vec<Vec<u8>>)]) {
    let pooled = WasmerExecutor::new(CacheOptions::memory_only());
    let fresh = WasmerExecutor::with_fresh_memories(CacheOptions::memory_only());
    for (program, calls) in programs {
        for (i, calldata) in calls.iter().enumerate() {
            let frame = call(program, calldata, GAS);
            let (mut a, mut b) = (FakeHooks::default(), FakeHooks::default());
            let with_pool = pooled.execute(&frame, &mut a);
            let without = fresh.execute(&frame, &mut b);
            assert_eq!(observe(&with_pool, &a), observe(&without, &b), "call {i} of:\n{program}");
        }
    }
}

#[test]
fn pooled_instances_behave_like_fresh_ones() {
    let mut rng = Rng(0x0dd_ba11_5eed_0042);
    let calls: Vec<Vec<u8>> = (0..200).map(|_| vec![rng.next(5) as u8, 1 + rng.next(255) as u8]).collect();
    // One memory reset page by page, one (above 256 KiB) with `mincore` and `madvise`.
    let mut programs = vec![(stateful(1), calls.clone()), (stateful(5), calls)];
    let again = |calldata: &[u8]| vec![calldata.to_vec(); 4];
    for name in ["echo", "logger", "storage", "ink-memory-copy", "oob-store", "unreachable", "memory-grow-bomb"] {
        programs.push((fixture(name), again(b"pooled instances")));
    }
    for seed in 1..=60 {
        programs.push((crate::fuzz::generated_program(seed), again(b"calldata")));
    }
    same_on_pooled_and_fresh(&programs);
}

/// wasm-smith modules (with mutable globals, data segments and tables), each run several times.
#[test]
fn pooled_instances_of_smith_modules_behave_like_fresh_ones() {
    use arbitrary::Unstructured;
    let pooled = WasmerExecutor::new(CacheOptions::memory_only());
    let fresh = WasmerExecutor::with_fresh_memories(CacheOptions::memory_only());
    for seed in 1..=60 {
        let bytes = crate::smith::entropy(seed);
        let module = wasm_smith::Module::new(crate::smith::stylus_shaped(), &mut Unstructured::new(&bytes))
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let wasm = module.to_bytes();
        for i in 0..4 {
            let frame = crate::common::call_wasm(wasm.clone(), b"calldata", 20_000);
            let (mut a, mut b) = (FakeHooks::default(), FakeHooks::default());
            let with_pool = pooled.execute(&frame, &mut a);
            let without = fresh.execute(&frame, &mut b);
            assert_eq!(observe(&with_pool, &a), observe(&without, &b), "seed {seed}, call {i}");
        }
    }
}
