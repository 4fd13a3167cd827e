//! nitro's own reference figures (stylus-semantics §9): the exact 13,804-byte stylus-sdk 0.10
//! counter (`fixtures/wasm/reference/stylus-counter-reference.wasm`, copied from
//! `shared/reference/`, keccak256 `0x1d92323e…a4a331`) measured with nitro v3.9.5's own Stylus
//! crates under ArbOS 42 parameters, each call the first transaction of a new block, gas price
//! 0, explicit activation through ArbWasm. Every number asserted here is one of §9's.

use std::rc::Rc;

use executor_wasmer::{CacheOptions, WasmerExecutor};
use world_mock::revm::primitives::{Address, B256, U256, address, keccak256};
use world_mock::stylus::{ARBWASM, StylusParams, activate_wasm, encode_program, selector};
use world_mock::{BlockSettings, Commit, TxOutcome, TxRequest, TxStatus, World};

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const COUNTER: Address = address!("0000000000000000000000000000000000c0ffee");

fn reference_wasm() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/wasm/reference/stylus-counter-reference.wasm");
    std::fs::read(path).expect("the reference binary is a fixture")
}

#[test]
fn the_fixture_is_the_reference_binary() {
    let wasm = reference_wasm();
    assert_eq!(wasm.len(), 13_804);
    let expected: B256 = "0x1d92323e61d4c99c3e2bfdad9e0eb0da3ea5f55c2defb6ea146d95695fa4a331".parse().unwrap();
    assert_eq!(keccak256(&wasm), expected);
}

#[test]
fn activation_outputs_match_nitro() {
    let params = StylusParams { arbos_version: 42, ..StylusParams::default() };
    let info = activate_wasm(&reference_wasm(), B256::repeat_byte(1), &params).expect("activates");
    let program = &info.program;
    assert_eq!(
        (program.init_cost, program.cached_cost, program.footprint, program.asm_estimate),
        (3_072, 933, 1, 719_569)
    );
    assert_eq!(info.activation_gas, 452_144);
}

fn send(world: &mut World, to: Address, data: Vec<u8>, value: U256) -> TxOutcome {
    // Each transaction is the first of a new block, as in §9's measurement.
    let block = world.block().clone();
    world.set_block(BlockSettings { number: block.number + 1, timestamp: block.timestamp + 1, ..block });
    let request = TxRequest { from: ALICE, to: Some(to), data: data.into(), value, ..Default::default() };
    world.execute(&request, Commit::Yes).expect("the transaction runs")
}

fn word(value: u64) -> [u8; 32] {
    U256::from(value).to_be_bytes()
}

#[test]
fn calls_match_nitro_gas_and_ink() {
    let mut world = World::default();
    world.set_stylus_executor(Rc::new(WasmerExecutor::new(CacheOptions::memory_only())));
    world.set_block(BlockSettings { arbos_version: 42, ..world.block().clone() });
    world.state_mut().set_code(COUNTER, &encode_program(&reference_wasm()));
    world.state_mut().account_mut(ALICE).balance = U256::from(10).pow(U256::from(20));

    let activate = [&selector("activateProgram(address)")[..], &COUNTER.into_word()[..]].concat();
    let outcome = send(&mut world, ARBWASM, activate, U256::from(10).pow(U256::from(18)));
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    let program = world.program_at(COUNTER).expect("activated").info;
    assert_eq!((program.init_cost, program.cached_cost, program.footprint), (3_072, 933, 1));

    let set_number = [&selector("setNumber(uint256)")[..], &word(5)].concat();
    let cases = [
        ("setNumber(5)", set_number, 223_139_589, 56_707),
        ("increment()", selector("increment()").to_vec(), 52_348_422, 39_488),
        ("number()", selector("number()").to_vec(), 23_209_912, 36_574),
    ];
    for (name, data, ink, gas_used) in cases {
        let outcome = send(&mut world, COUNTER, data, U256::ZERO);
        assert_eq!(outcome.status, TxStatus::Success, "{name}: {outcome:?}");
        assert_eq!((outcome.ink_used, outcome.gas_used), (Some(ink), gas_used), "{name}");
        // Frame gas = entry cost (8,832 + 3,072 + 352 + 933 = 13,189) + ceil(ink / 10,000).
        let frame = &outcome.stylus_frames[0];
        assert_eq!(frame.gas_used, 13_189 + ink.div_ceil(10_000), "{name}");
    }
    assert_eq!(world.state().storage_at(&COUNTER, &U256::ZERO), U256::from(6));
}
