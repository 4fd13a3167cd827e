//! Ink profiles: profiled frames report exactly the figures of unprofiled ones, and their
//! profile accounts for every unit of the frame's ink, by function stack.

use std::collections::BTreeMap;

use world_mock::stylus::{ProfileNode, StylusExecutor, StylusOutcome, StylusStatus};

use crate::common::{FakeHooks, GAS, call, executor};
use crate::fixtures::fixture;

/// Imports the event function, so the profiler can see function boundaries. `$inner` loops
/// `n` times; `$middle` calls it and loads storage; the entrypoint calls `$middle` twice, then
/// traps if the first calldata byte is 1, or grows memory by a page.
const PROGRAM: &str = r#"(module
  (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (memory (export "memory") 1 4)
  (func $inner (param $n i32)
    (loop $again
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $again (i32.gt_s (local.get $n) (i32.const 0)))))
  (func $middle (param $n i32) (result i32)
    (call $inner (local.get $n))
    (call $load (i32.const 64) (i32.const 96))
    (if (i32.eq (local.get $n) (i32.const 7)) (then (return (i32.const 7))))
    (i32.const 0))
  (func $trap unreachable)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (drop (call $middle (i32.const 50000)))
    (drop (call $middle (i32.const 7)))
    (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 1)) (then (call $trap)))
    (drop (memory.grow (i32.const 1)))
    (i32.const 0)))"#;

fn run(wat: &str, calldata: &[u8], profiling: bool) -> (StylusOutcome, FakeHooks) {
    let mut hooks = FakeHooks { profiling, ..FakeHooks::default() };
    let outcome = executor().execute(&call(wat, calldata, GAS), &mut hooks);
    (outcome, hooks)
}

/// Runs with and without profiling, checks that every figure agrees and that the profile adds
/// up to the frame's ink; returns the profile's stacks.
fn profiled(wat: &str, calldata: &[u8]) -> (StylusOutcome, BTreeMap<Vec<ProfileNode>, u64>, FakeHooks) {
    let (plain, plain_hooks) = run(wat, calldata, false);
    let (outcome, hooks) = run(wat, calldata, true);
    let figures = |o: &StylusOutcome| (o.status, o.ink_used, o.gas_used, o.output.clone(), o.detail.clone());
    assert_eq!(figures(&outcome), figures(&plain), "profiling changed the outcome");
    assert_eq!(hooks.pages_requested, plain_hooks.pages_requested, "profiling events bought pages");
    assert!(plain_hooks.profile.is_none());
    let profile = hooks.profile.clone().expect("a profiled frame records its profile");
    assert_eq!(Some(profile.total()), outcome.ink_used, "the profile accounts for all the ink");
    (outcome, profile.stacks, hooks)
}

#[test]
fn ink_is_charged_to_the_stack_that_spent_it() {
    let (outcome, stacks, hooks) = profiled(PROGRAM, &[0]);
    assert_eq!(outcome.status, StylusStatus::Success);
    let [inner, middle, entry] = [3, 4, 6].map(ProfileNode::Function); // 3 imports first
    let load = ProfileNode::Hostio("storage_load_bytes32");
    // the loop of 50,000 + 7 iterations is the costliest stack; each hostio is its own stack
    let costliest = stacks.iter().max_by_key(|(_, ink)| **ink).map(|(stack, _)| stack.clone());
    assert_eq!(costliest, Some(vec![entry, middle, inner]));
    assert!(stacks[&vec![entry, middle, load]] >= 2 * 2_105 * 10_000, "both loads' gas is under the hostio");
    assert!(stacks.contains_key(&vec![entry, ProfileNode::Hostio("read_args")]));
    assert!(stacks.contains_key(&vec![entry, ProfileNode::Hostio("pay_for_memory_grow")]));
    let calls = hooks.profile.unwrap().calls;
    assert_eq!((calls[&inner], calls[&middle], calls[&entry], calls[&load]), (2, 2, 1, 2));
    assert_eq!(hooks.pages_requested, [1], "the program's own memory.grow still pays");
}

#[test]
fn a_trap_leaves_its_stack_open_until_the_frame_ends() {
    let (outcome, stacks, _) = profiled(PROGRAM, &[1]);
    assert_eq!(outcome.status, StylusStatus::Failure);
    let trap = vec![ProfileNode::Function(6), ProfileNode::Function(5)];
    assert!(stacks[&trap] > 0, "the trapping function's block is charged to it: {stacks:?}");
}

#[test]
fn out_of_ink_charges_the_whole_limit() {
    let mut hooks = FakeHooks { profiling: true, ..FakeHooks::default() };
    let outcome = executor().execute(&call(PROGRAM, &[0], 3_000), &mut hooks);
    assert_eq!(outcome.status, StylusStatus::OutOfInk);
    assert_eq!(hooks.profile.unwrap().total(), 3_000 * 10_000);
}

/// Every shared WAT fixture: the same figures with profiling; programs that cannot grow memory
/// (no event import) get a profile of hostio stacks only, still adding up.
#[test]
fn fixtures_keep_their_figures() {
    for name in
        ["caller", "echo", "ink-loop", "ink-memory-copy", "ink-straight-line", "logger", "storage", "unreachable"]
    {
        for calldata in [&[][..], &[1, 2, 3, 4][..], &[0; 40][..]] {
            let (_, stacks, _) = profiled(&fixture(name), calldata);
            assert!(stacks.keys().all(|stack| stack.iter().all(|node| matches!(node, ProfileNode::Hostio(_)))));
        }
    }
    for name in ["deep-recursion", "infinite-loop", "memory-grow-bomb", "oob-store"] {
        profiled(&fixture(name), &[]);
    }
}

/// A nested call announces the caller's stack (ending with the calling hostio), so that the
/// chain can hang the callee's frame under it.
#[test]
fn nested_calls_announce_their_call_site() {
    let (_, stacks, hooks) = profiled(&fixture("caller"), &[7; 24]);
    let site = vec![ProfileNode::Hostio("call_contract")];
    assert_eq!(hooks.call_sites, std::slice::from_ref(&site));
    assert!(stacks[&site] > 0);
}
