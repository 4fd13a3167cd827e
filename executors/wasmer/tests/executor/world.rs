//! Through the real chain: `world_mock::World` activates the fixtures and routes calls to the
//! Wasmer executor; ink and outcomes must match the fixtures' hand-computed headers.

use std::rc::Rc;

use executor_wasmer::{CacheOptions, WasmerExecutor};
use world_mock::revm::primitives::{Address, U256, address};
use world_mock::stylus::encode_program;
use world_mock::{Commit, TxOutcome, TxRequest, TxStatus, World};

use crate::fixtures::fixture;

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const PROGRAM: Address = address!("0000000000000000000000000000000000005101");

fn world_with(name: &str) -> World {
    let wasm = wat::parse_str(fixture(name)).expect("fixture parses");
    let mut world = World::default();
    world.set_stylus_executor(Rc::new(WasmerExecutor::new(CacheOptions::memory_only())));
    world.state_mut().set_code(PROGRAM, &encode_program(&wasm));
    world.state_mut().account_mut(ALICE).balance = U256::from(10).pow(U256::from(20));
    world.activate_program(PROGRAM).expect("the fixture activates");
    world
}

fn send(world: &mut World, data: &[u8]) -> TxOutcome {
    let request = TxRequest {
        from: ALICE,
        to: Some(PROGRAM),
        data: data.to_vec().into(),
        gas_limit: Some(30_000_000),
        ..Default::default()
    };
    world.execute(&request, Commit::Yes).expect("the transaction runs")
}

#[test]
fn echo_through_the_world() {
    let mut world = world_with("echo");
    let outcome = send(&mut world, b"hello");
    assert_eq!((outcome.status, &outcome.output[..]), (TxStatus::Success, &b"hello"[..]));
    assert_eq!(outcome.ink_used, Some(69_631));
}

#[test]
fn storage_through_the_world() {
    let mut world = world_with("storage");
    let outcome = send(&mut world, &[0x5a; 32]);
    assert_eq!(outcome.status, TxStatus::Success);
    assert_eq!(&outcome.output[..], &[0x5a; 32]);
    // fresh account, nonzero word: the flush pays a cold SSTORE of 22,100 gas
    assert_eq!(outcome.ink_used, Some(193_345 + 10_000 * 22_100));
    assert_eq!(world.state().storage_at(&PROGRAM, &U256::ZERO), U256::from_be_bytes([0x5a; 32]));
}

#[test]
fn traps_through_the_world() {
    assert_eq!(send(&mut world_with("deep-recursion"), &[]).status, TxStatus::OutOfStack);
    assert_eq!(send(&mut world_with("infinite-loop"), &[]).status, TxStatus::OutOfInk);
    assert_eq!(send(&mut world_with("unreachable"), &[]).status, TxStatus::Failure);
    assert_eq!(send(&mut world_with("memory-grow-bomb"), &[]).status, TxStatus::OutOfInk);
}

/// A cold `storage_load_bytes32` charges the request's own cost, which the host computes: from
/// ArbOS 32 `EVM_API_INK` converted to gas (5), before it the ink figure taken as gas (59,673).
#[test]
fn storage_load_charges_the_request_cost_the_host_computed() {
    let wasm = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/wasm/counter.wasm")).unwrap();
    let number = [0x83, 0x81, 0xf5, 0x8a]; // number()
    let ink_under = |arbos_version: u64| {
        let mut world = World::default();
        world.set_stylus_executor(Rc::new(WasmerExecutor::new(CacheOptions::memory_only())));
        world.set_block(world_mock::BlockSettings { arbos_version, ..world.block().clone() });
        world.state_mut().set_code(PROGRAM, &encode_program(&wasm));
        world.activate_program(PROGRAM).expect("the counter activates");
        let outcome = send(&mut world, &number);
        assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
        outcome.ink_used.unwrap()
    };
    assert_eq!(ink_under(31) - ink_under(32), (59_673 - 59_673 / 10_000) * 10_000);
}
