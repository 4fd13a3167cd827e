//! Helpers shared by the activation tests: WAT modules, a world, transactions.

#![allow(dead_code, unreachable_pub)]

use world_mock::revm::primitives::{Address, B256, Bytes, U256, address, keccak256};
use world_mock::stylus::{ActivationError, ActivationInfo, StylusParams, activate_wasm, encode_program};
use world_mock::{Commit, TxOutcome, TxRequest, World};

pub const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
pub const PROGRAM: Address = address!("0000000000000000000000000000000000005101");
pub const NOBODY: Address = address!("0000000000000000000000000000000000000b0b");
pub const ARBWASM: Address = address!("0000000000000000000000000000000000000071");

/// A minimal valid program around `body` (the entrypoint's instructions, returning an i32).
pub fn program_wat(imports: &str, memory: &str, body: &str) -> String {
    format!(
        r#"(module {imports}
             (memory (export "memory") {memory})
             (func (export "user_entrypoint") (param i32) (result i32) {body}))"#
    )
}

pub fn wasm(wat: &str) -> Vec<u8> {
    wat::parse_str(wat).expect("valid WAT")
}

/// Activates a WAT module under default parameters.
pub fn activate(wat: &str) -> Result<ActivationInfo, ActivationError> {
    activate_wasm(&wasm(wat), B256::repeat_byte(7), &StylusParams::default())
}

/// The activation error message of a WAT module.
pub fn rejection(wat: &str) -> String {
    match activate(wat) {
        Ok(info) => panic!("activation succeeded: {info:?}"),
        Err(error) => error.to_string(),
    }
}

pub fn world_with(address: Address, wasm: &[u8]) -> World {
    let mut world = World::default();
    world.state_mut().set_code(address, &encode_program(wasm));
    world.state_mut().account_mut(ALICE).balance = U256::from(10).pow(U256::from(20));
    world
}

pub fn codehash(world: &World, address: Address) -> B256 {
    world.state().account(&address).map(|a| a.code_hash).unwrap_or_default()
}

pub fn call(world: &mut World, to: Address, data: Vec<u8>, value: U256, gas: u64) -> TxOutcome {
    let request =
        TxRequest { from: ALICE, to: Some(to), data: data.into(), value, gas_limit: Some(gas), ..Default::default() };
    world.execute(&request, Commit::Yes).expect("the transaction runs")
}

pub fn selector(signature: &str) -> [u8; 4] {
    let hash = keccak256(signature.as_bytes());
    [hash[0], hash[1], hash[2], hash[3]]
}

/// Calldata: a selector and 32-byte words.
pub fn calldata(signature: &str, words: &[B256]) -> Vec<u8> {
    let mut data = selector(signature).to_vec();
    for word in words {
        data.extend_from_slice(word.as_slice());
    }
    data
}

pub fn word(value: u64) -> B256 {
    B256::from(U256::from(value))
}

pub fn words(output: &Bytes) -> Vec<U256> {
    output.chunks(32).map(U256::from_be_slice).collect()
}

/// The gas a transaction with this calldata pays before any execution (a call to an empty
/// account uses exactly its intrinsic gas).
pub fn intrinsic(data: &[u8]) -> u64 {
    let mut world = World::default();
    world.state_mut().account_mut(ALICE).balance = U256::from(1);
    call(&mut world, NOBODY, data.to_vec(), U256::ZERO, 1_000_000).gas_used
}
