//! The shared WAT fixtures (`fixtures/wat/`), whose headers give outcomes and ink computed by
//! hand independently of this crate: each number below is copied from a fixture's header.

use std::path::PathBuf;

use world_mock::stylus::{StylusExecutor, StylusOutcome, StylusStatus};

use crate::common::{FakeHooks, GAS, call, executor};

pub(crate) fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/wat").join(format!("{name}.wat"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run_fixture(name: &str, calldata: &[u8]) -> (StylusOutcome, FakeHooks) {
    let mut hooks = FakeHooks::default();
    let outcome = executor().execute(&call(&fixture(name), calldata, GAS), &mut hooks);
    (outcome, hooks)
}

fn expect(name: &str, calldata: &[u8], status: StylusStatus, ink: u64) -> StylusOutcome {
    let (outcome, _) = run_fixture(name, calldata);
    assert_eq!(
        (outcome.status, outcome.ink_used),
        (status, Some(ink)),
        "{name} with {} bytes: {:?}",
        calldata.len(),
        outcome.detail
    );
    outcome
}

#[test]
fn straight_line() {
    let outcome = expect("ink-straight-line", &[], StylusStatus::Success, 70_690);
    assert_eq!(&outcome.output[..], &5u32.to_le_bytes());
    expect("ink-straight-line", &[0; 40], StylusStatus::Success, 70_690 + 30 * 8);
}

#[test]
fn counted_loop() {
    expect("ink-loop", &[], StylusStatus::Success, 77_251);
    expect("ink-loop", &[1], StylusStatus::Success, 84_638);
    let outcome = expect("ink-loop", &[10], StylusStatus::Success, 151_121);
    assert_eq!(&outcome.output[..], &30u32.to_le_bytes());
    expect("ink-loop", &[255], StylusStatus::Success, 1_960_936);
}

#[test]
fn memory_copy() {
    for (len, ink) in [(0usize, 70_658), (32, 73_858), (64, 81_538), (100, 90_178)] {
        let outcome = expect("ink-memory-copy", &vec![7; len], StylusStatus::Success, ink);
        assert_eq!(outcome.output.len(), len);
    }
}

#[test]
fn echo() {
    expect("echo", &[], StylusStatus::Success, 69_631);
    let outcome = expect("echo", &[9; 50], StylusStatus::Success, 69_631 + 140 * 18);
    assert_eq!(&outcome.output[..], &[9; 50]);
}

#[test]
fn logger() {
    expect("logger", &[], StylusStatus::Success, 11_364_755);
    expect("logger", &[1; 32], StylusStatus::Success, 13_926_515);
    let (_, hooks) = run_fixture("logger", b"data");
    let (topics, data) = &hooks.logs[0];
    assert_eq!((topics.len(), &data[..]), (2, &b"data"[..]));
}

#[test]
fn traps() {
    // The fixture's header counts frames of 6 words (3,665 recursive frames, 23,447,665 ink).
    // The depth checker runs after the meter, so it also sees the meter's check before each
    // function's final `end`, which sits on top of the call's result: worst stack 3, frames of
    // 7 words. 22,000 - 7 leaves room for 3,141 recursive frames: 6,325 + 3,141 × 6,396 ink.
    expect("deep-recursion", &[], StylusStatus::OutOfStack, 6_325 + 3_141 * 6_396);
    expect("oob-store", &[], StylusStatus::Failure, 3_279);
    expect("unreachable", &[], StylusStatus::Failure, 2_452);
    let (outcome, _) = run_fixture("infinite-loop", &[]);
    assert_eq!((outcome.status, outcome.gas_used), (StylusStatus::OutOfInk, GAS));
    // the chain counts the program's initial page as open
    let mut hooks = FakeHooks { open_pages: 1, ..FakeHooks::default() };
    let outcome = executor().execute(&call(&fixture("memory-grow-bomb"), &[], GAS), &mut hooks);
    assert_eq!((outcome.status, hooks.open_pages), (StylusStatus::OutOfInk, 129), "{:?}", outcome.detail);
}

#[test]
fn instrumentation_rejects() {
    for name in ["reject-missing-memory-grow-import", "reject-memory-init", "reject-table-op"] {
        let (outcome, _) = run_fixture(name, &[]);
        assert_eq!(outcome.status, StylusStatus::InvalidCode, "{name}");
    }
}
