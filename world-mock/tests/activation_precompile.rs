//! The ArbWasm precompile (0x71): `activateProgram` with its gas, fee, event and refund, its
//! errors, rollback with the calling frame, and the getters.

mod activation_support;

use activation_support::*;
use world_mock::revm::primitives::{B256, Bytes, U256, keccak256};
use world_mock::stylus::{ARBOS_STATE, DataPricer, StylusParams, activate_wasm};
use world_mock::{TxStatus, World};

const GAS: u64 = 10_000_000;
const TIME: u64 = 1_700_000_000;

// nitro's charges around the activation itself (precompiles/precompile.go, ArbWasm.go,
// arbos/programs/programs.go, arbos/storage/storage.go):
/// Opening the ArbOS state (one 800-gas read) and copying the one-word argument (3).
const DISPATCH: u64 = 800 + 3;
/// `Params()` (100, read as warm) and the program record (800).
const LOOKUP: u64 = 100 + 800;
/// The module hash (20,000), the data pricer (5 reads, 2 writes) and the record (20,000).
const WRITES: u64 = 20_000 + (5 * 800 + 2 * 20_000) + 20_000;
/// The network fee account (800).
const FEE_ACCOUNT: u64 = 800;

/// Gas for copying `bytes` of output (3 per word).
fn copy(bytes: u64) -> u64 {
    3 * bytes.div_ceil(32)
}

fn simple_wasm() -> Vec<u8> {
    wasm(&program_wat(r#"(import "vm_hooks" "read_args" (func (param i32)))"#, "1 1", "i32.const 0"))
}

fn activate_call() -> Vec<u8> {
    calldata("activateProgram(address)", &[PROGRAM.into_word()])
}

fn expected_fee(wasm: &[u8], world: &World) -> U256 {
    let info = activate_wasm(wasm, codehash(world, PROGRAM), &StylusParams::default()).unwrap();
    DataPricer::default().update(info.program.asm_estimate, TIME)
}

#[test]
fn activate_program_charges_gas_takes_the_fee_and_emits_an_event() {
    let wasm = simple_wasm();
    let mut world = world_with(PROGRAM, &wasm);
    let hash = codehash(&world, PROGRAM);
    let info = activate_wasm(&wasm, hash, &StylusParams::default()).unwrap();
    let fee = expected_fee(&wasm, &world);
    let balance = world.state().account(&ALICE).unwrap().balance;

    let outcome = call(&mut world, ARBWASM, activate_call(), fee + U256::from(1_000), GAS);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    assert_eq!(words(&outcome.output), vec![U256::from(2), fee]);
    let event_gas = 375 + 2 * 375 + 8 * 128;
    let expected = intrinsic(&activate_call())
        + DISPATCH
        + 1_659_168
        + LOOKUP
        + info.activation_gas
        + WRITES
        + FEE_ACCOUNT
        + event_gas
        + copy(64);
    assert_eq!(outcome.gas_used, expected);
    // The excess value came back; the fee went to the network fee account (the zero address
    // unless a scenario sets one), not to ArbWasm.
    assert_eq!(world.state().account(&ALICE).unwrap().balance, balance - fee);
    assert!(world.state().account(&ARBWASM).is_none_or(|a| a.balance.is_zero()));
    assert_eq!(world.state().account(&world_mock::revm::primitives::Address::ZERO).unwrap().balance, fee);

    let [log] = outcome.logs.as_slice() else { panic!("one log: {:?}", outcome.logs) };
    assert_eq!(log.address, ARBWASM);
    let signature = keccak256("ProgramActivated(bytes32,bytes32,address,uint256,uint16)");
    assert_eq!(log.topics(), &[signature, hash]);
    let data = [info.program.module_hash, PROGRAM.into_word(), B256::from(fee), word(2)].concat();
    assert_eq!(log.data.data, Bytes::from(data));

    let record = world.program(hash).expect("recorded");
    assert_eq!(record.info, info.program);
    assert_eq!(world.program_at(PROGRAM), Some(record));
    assert_eq!(world.state().account(&ARBOS_STATE).map(|a| a.nonce), Some(1));
}

#[test]
fn getters() {
    let wasm = simple_wasm();
    let mut world = world_with(PROGRAM, &wasm);
    let program = world.activate_program(PROGRAM).expect("activates");
    let mut get = |signature: &str, args: &[B256]| {
        let outcome = call(&mut world, ARBWASM, calldata(signature, args), U256::ZERO, GAS);
        (outcome.status, words(&outcome.output), outcome.output)
    };
    assert_eq!(get("stylusVersion()", &[]).1, vec![U256::from(2)]);
    assert_eq!(get("inkPrice()", &[]).1, vec![U256::from(10_000)]);
    let at = [PROGRAM.into_word()];
    assert_eq!(get("programVersion(address)", &at).1, vec![U256::from(2)]);
    assert_eq!(get("programMemoryFootprint(address)", &at).1, vec![U256::from(1)]);
    let cached = 11 * 32 + u64::from(program.cached_cost);
    let init = 69 * 128 + u64::from(program.init_cost);
    assert_eq!(get("programInitGas(address)", &at).1, vec![U256::from(init + cached), U256::from(cached)]);

    // A program that was never activated.
    let nobody = [NOBODY.into_word()];
    let (status, _, output) = get("programVersion(address)", &nobody);
    assert_eq!((status, output.as_ref()), (TxStatus::Revert, &selector("ProgramNotActivated()")[..]));

    // After a Stylus upgrade the program needs re-activation.
    world.set_stylus_params(StylusParams { version: 3, ..StylusParams::default() });
    let outcome = call(&mut world, ARBWASM, calldata("programInitGas(address)", &at), U256::ZERO, GAS);
    assert_eq!(outcome.output.as_ref(), calldata("ProgramNeedsUpgrade(uint16,uint16)", &[word(2), word(3)]));
}

#[test]
fn reactivation_is_up_to_date() {
    let wasm = simple_wasm();
    let mut world = world_with(PROGRAM, &wasm);
    world.activate_program(PROGRAM).unwrap();
    let outcome = call(&mut world, ARBWASM, activate_call(), U256::from(10).pow(U256::from(18)), GAS);
    assert_eq!(outcome.status, TxStatus::Revert);
    assert_eq!(outcome.output.as_ref(), &selector("ProgramUpToDate()")[..]);
    assert_eq!(outcome.gas_used, intrinsic(&activate_call()) + DISPATCH + 1_659_168 + LOOKUP + copy(4));
}

#[test]
fn insufficient_value_reverts_with_have_and_want() {
    let wasm = simple_wasm();
    let mut world = world_with(PROGRAM, &wasm);
    let info = activate_wasm(&wasm, codehash(&world, PROGRAM), &StylusParams::default()).unwrap();
    let fee = expected_fee(&wasm, &world);
    let outcome = call(&mut world, ARBWASM, activate_call(), fee - U256::from(1), GAS);
    assert_eq!(outcome.status, TxStatus::Revert);
    let expected =
        calldata("ProgramInsufficientValue(uint256,uint256)", &[B256::from(fee - U256::from(1)), B256::from(fee)]);
    assert_eq!(outcome.output.as_ref(), expected);
    let expected = intrinsic(&activate_call()) + DISPATCH + 1_659_168 + LOOKUP + info.activation_gas + WRITES;
    assert_eq!(outcome.gas_used, expected + copy(4 + 64));
    assert_eq!(world.program_at(PROGRAM), None);
    assert!(world.state().account(&ARBOS_STATE).is_none(), "the data pricer update was rolled back too");
}

/// EVM code that forwards its calldata and value to ArbWasm, then reverts (or returns).
fn evm_activator(revert: bool) -> Vec<u8> {
    let mut code = vec![0x36, 0x60, 0, 0x60, 0, 0x37]; // CALLDATACOPY(0, 0, CALLDATASIZE)
    code.extend([0x60, 0, 0x60, 0, 0x36, 0x60, 0, 0x34, 0x60, 0x71, 0x5a, 0xf1]); // CALL(gas, 0x71, value, ...)
    code.extend([0x60, 0, 0x60, 0, if revert { 0xfd } else { 0xf3 }]);
    code
}

#[test]
fn activation_in_a_reverted_frame_leaves_no_record() {
    let wasm = simple_wasm();
    let activator = world_mock::revm::primitives::address!("000000000000000000000000000000000000e001");
    for revert in [true, false] {
        let mut world = world_with(PROGRAM, &wasm);
        world.state_mut().set_code(activator, &evm_activator(revert));
        let fee = expected_fee(&wasm, &world);
        let outcome = call(&mut world, activator, activate_call(), fee, GAS);
        let expected = if revert { TxStatus::Revert } else { TxStatus::Success };
        assert_eq!(outcome.status, expected, "{outcome:?}");
        assert_eq!(world.program_at(PROGRAM).is_some(), !revert);
        assert_eq!(outcome.logs.len(), usize::from(!revert));
    }
}

#[test]
fn validation_failures_burn_all_gas() {
    let float = wasm(&program_wat("", "1 1", "f64.const 1 f64.const 1 f64.mul drop i32.const 0"));
    let mut world = world_with(PROGRAM, &float);
    let outcome = call(&mut world, ARBWASM, activate_call(), U256::from(10).pow(U256::from(18)), GAS);
    assert_eq!((outcome.status, outcome.gas_used), (TxStatus::Revert, GAS));
    let reason = outcome.halt_reason.unwrap_or_default();
    assert!(reason.contains("float arithmetic is not supported (f64.mul in function 0)"), "{reason}");
    assert_eq!(world.program_at(PROGRAM), None);

    // Too little gas for the metered part is the same.
    let mut world = world_with(PROGRAM, &simple_wasm());
    let limit = intrinsic(&activate_call()) + 1_659_168 + 10;
    let outcome = call(&mut world, ARBWASM, activate_call(), U256::from(10).pow(U256::from(18)), limit);
    assert_eq!((outcome.status, outcome.gas_used), (TxStatus::Revert, limit));
}

#[test]
fn activating_an_account_without_a_program() {
    let mut world = world_with(PROGRAM, &simple_wasm());
    let data = calldata("activateProgram(address)", &[NOBODY.into_word()]);
    let outcome = call(&mut world, ARBWASM, data.clone(), U256::ZERO, GAS);
    assert_eq!(outcome.status, TxStatus::Revert);
    assert_eq!(outcome.output.as_ref(), &selector("ProgramNotWasm()")[..]);
    assert_eq!(outcome.gas_used, intrinsic(&data) + DISPATCH + 1_659_168 + LOOKUP + copy(4));
}

#[test]
fn world_activation_is_free_and_keeps_the_pricer() {
    let wasm = simple_wasm();
    let mut world = world_with(PROGRAM, &wasm);
    let program = world.activate_program(PROGRAM).unwrap();
    assert_eq!(program, activate_wasm(&wasm, codehash(&world, PROGRAM), &StylusParams::default()).unwrap().program);
    let record = world.program_at(PROGRAM).unwrap();
    assert_eq!(record.activated_at_hours, ((TIME - 1_421_388_000) / 3600) as u32);
    // A later activation through ArbWasm prices as if the pricer were fresh.
    let second = world_mock::revm::primitives::address!("0000000000000000000000000000000000005102");
    let wasm2 = wasm_other();
    world.state_mut().set_code(second, &world_mock::stylus::encode_program(&wasm2));
    let info = activate_wasm(&wasm2, codehash(&world, second), &StylusParams::default()).unwrap();
    let data = calldata("activateProgram(address)", &[second.into_word()]);
    let outcome = call(&mut world, ARBWASM, data, U256::from(10).pow(U256::from(18)), GAS);
    assert_eq!(words(&outcome.output)[1], DataPricer::default().update(info.program.asm_estimate, TIME));
}

fn wasm_other() -> Vec<u8> {
    wasm(&program_wat("", "2 2", "i32.const 1"))
}
