//! A program's lifecycle (nitro `arbos/programs/programs.go`): it expires `ExpiryDays` after
//! activation (`ProgramExpired`), `codehashKeepalive` restarts the clock after `KeepaliveDays`
//! by paying the data fee again (`ProgramKeepaliveTooSoon` before), and a raised Stylus
//! version makes it `ProgramNeedsUpgrade` until it is activated again.

mod activation_support;

use std::rc::Rc;

use activation_support::*;
use world_mock::arbos::ArbosConfig;
use world_mock::revm::primitives::{Address, B256, Bytes, U256, address, keccak256};
use world_mock::stylus::{DataPricer, StylusCall, StylusOutcome, StylusParams, StylusStatus};
use world_mock::{BlockSettings, StylusExecutor, TxStatus, VmHooks, World};

const GAS: u64 = 10_000_000;
const DAY: u64 = 86_400;
const FEES: Address = address!("00000000000000000000000000000000000000fe");

#[derive(Debug)]
struct Noop;

impl StylusExecutor for Noop {
    fn name(&self) -> &'static str {
        "noop"
    }

    fn execute(&self, _call: &StylusCall, _hooks: &mut dyn VmHooks) -> StylusOutcome {
        StylusOutcome {
            status: StylusStatus::Success,
            output: Bytes::new(),
            gas_used: 0,
            ink_used: Some(0),
            detail: None,
        }
    }
}

fn setup() -> (World, B256) {
    let wasm = wasm(&program_wat(r#"(import "vm_hooks" "read_args" (func (param i32)))"#, "1 1", "i32.const 0"));
    let mut world = world_with(PROGRAM, &wasm);
    world.set_stylus_executor(Rc::new(Noop));
    world.set_arbos_config(ArbosConfig { network_fee_account: FEES, ..ArbosConfig::default() });
    let data = calldata("activateProgram(address)", &[PROGRAM.into_word()]);
    let outcome = call(&mut world, ARBWASM, data, U256::from(10).pow(U256::from(18)), GAS);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    let hash = codehash(&world, PROGRAM);
    (world, hash)
}

fn at_time(world: &mut World, timestamp: u64) {
    world.set_block(BlockSettings { timestamp, ..world.block().clone() });
}

fn keepalive(world: &mut World, hash: B256, value: U256) -> world_mock::TxOutcome {
    call(world, ARBWASM, calldata("codehashKeepalive(bytes32)", &[hash]), value, GAS)
}

#[test]
fn programs_expire_after_expiry_days() {
    let (mut world, _) = setup();
    let start = world.block().timestamp;
    let activated = world.program_at(PROGRAM).unwrap();
    // Activation is stamped in whole hours since 2015-01-16 06:00 UTC.
    let hour = 1_421_388_000 + u64::from(activated.activated_at_hours) * 3600;

    at_time(&mut world, hour + 365 * DAY);
    assert_eq!(call(&mut world, PROGRAM, Vec::new(), U256::ZERO, GAS).status, TxStatus::Success);
    at_time(&mut world, hour + 365 * DAY + 1);
    let outcome = call(&mut world, PROGRAM, Vec::new(), U256::ZERO, 100_000);
    // A non-revert error: all gas is used.
    assert_eq!((outcome.status, outcome.gas_used), (TxStatus::NotActivated, 100_000));
    assert!(outcome.halt_reason.unwrap().contains("program expired"));
    let data = calldata("programVersion(address)", &[PROGRAM.into_word()]);
    let outcome = call(&mut world, ARBWASM, data, U256::ZERO, GAS);
    let age = hour + 365 * DAY + 1 - hour;
    assert_eq!(outcome.output.as_ref(), calldata("ProgramExpired(uint64)", &[word(age)]));

    // An expired program can be activated again.
    let data = calldata("activateProgram(address)", &[PROGRAM.into_word()]);
    let outcome = call(&mut world, ARBWASM, data, U256::from(10).pow(U256::from(18)), GAS);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    assert_eq!(call(&mut world, PROGRAM, Vec::new(), U256::ZERO, GAS).status, TxStatus::Success);
    assert!(start < hour + 365 * DAY);

    // A shorter ExpiryDays applies at once.
    world.set_stylus_params(StylusParams { expiry_days: 1, ..world.stylus_params().clone() });
    let later = world.block().timestamp + 2 * DAY;
    at_time(&mut world, later);
    assert_eq!(call(&mut world, PROGRAM, Vec::new(), U256::ZERO, GAS).status, TxStatus::NotActivated);
}

#[test]
fn keepalive_is_too_soon_before_keepalive_days() {
    let (mut world, hash) = setup();
    let hour = 1_421_388_000 + u64::from(world.program_at(PROGRAM).unwrap().activated_at_hours) * 3600;
    at_time(&mut world, hour + 30 * DAY);
    let outcome = keepalive(&mut world, hash, U256::from(10).pow(U256::from(18)));
    assert_eq!(outcome.status, TxStatus::Revert);
    assert_eq!(outcome.output.as_ref(), calldata("ProgramKeepaliveTooSoon(uint64)", &[word(30 * DAY)]));
    // Dispatch (803) + Params (100) + the record (800) + the error's 2 words (6).
    let data = calldata("codehashKeepalive(bytes32)", &[hash]);
    assert_eq!(outcome.gas_used - intrinsic(&data), 803 + 900 + 6);
}

#[test]
fn keepalive_repays_the_data_fee_and_restarts_the_clock() {
    let (mut world, hash) = setup();
    let record = world.program_at(PROGRAM).unwrap();
    let hour = 1_421_388_000 + u64::from(record.activated_at_hours) * 3600;
    let now = hour + 200 * DAY + 1_234;
    at_time(&mut world, now);

    // The data fee for the size nitro stores (KiB, rounded up), with the demand left by the
    // activation decayed since.
    let asm_size = record.info.asm_estimate.div_ceil(1024) * 1024;
    let mut pricer = DataPricer::default();
    pricer.update(record.info.asm_estimate, setup_time());
    let fee = pricer.update(asm_size, now);

    // Too little value: ProgramInsufficientValue(have, want).
    let short = keepalive(&mut world, hash, fee - U256::from(1));
    assert_eq!(short.status, TxStatus::Revert);
    let want =
        calldata("ProgramInsufficientValue(uint256,uint256)", &[B256::from(fee - U256::from(1)), B256::from(fee)]);
    assert_eq!(short.output.as_ref(), want);

    let fees_before = world.state().account(&FEES).unwrap().balance;
    let outcome = keepalive(&mut world, hash, fee + U256::from(7));
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    assert_eq!(world.state().account(&FEES).unwrap().balance - fees_before, fee);
    let [log] = outcome.logs.as_slice() else { panic!("one event") };
    assert_eq!(log.topics(), &[keccak256("ProgramLifetimeExtended(bytes32,uint256)"), hash]);
    assert_eq!(log.data.data.as_ref(), B256::from(fee).as_slice());
    // Dispatch, Params + record, the pricer (5 reads, 2 writes), the record write, the fee
    // account, the event (375 + 2·375 + 8·32).
    let data = calldata("codehashKeepalive(bytes32)", &[hash]);
    let body = 900 + 5 * 800 + 2 * 20_000 + 20_000 + 800 + (375 + 2 * 375 + 8 * 32);
    assert_eq!(outcome.gas_used - intrinsic(&data), 803 + body);

    // The clock restarted at this hour: a year from now the program still runs.
    let restarted = world.program_at(PROGRAM).unwrap();
    assert_eq!(u64::from(restarted.activated_at_hours), (now - 1_421_388_000) / 3600);
    at_time(&mut world, now + 300 * DAY);
    assert_eq!(call(&mut world, PROGRAM, Vec::new(), U256::ZERO, GAS).status, TxStatus::Success);
}

/// The block time `setup` activates at (the default block's).
fn setup_time() -> u64 {
    World::default().block().timestamp
}

#[test]
fn a_raised_stylus_version_needs_reactivation() {
    let (mut world, _) = setup();
    world.set_stylus_params(StylusParams { version: 3, ..world.stylus_params().clone() });
    let outcome = call(&mut world, PROGRAM, Vec::new(), U256::ZERO, 100_000);
    assert_eq!((outcome.status, outcome.gas_used), (TxStatus::NotActivated, 100_000));
    assert!(outcome.halt_reason.unwrap().contains("needs upgrade"), "program needs upgrade");
    let data = calldata("codehashVersion(bytes32)", &[codehash(&world, PROGRAM)]);
    let outcome = call(&mut world, ARBWASM, data, U256::ZERO, GAS);
    assert_eq!(outcome.output.as_ref(), calldata("ProgramNeedsUpgrade(uint16,uint16)", &[word(2), word(3)]));
    // Activating again under version 3 brings it up to date.
    let data = calldata("activateProgram(address)", &[PROGRAM.into_word()]);
    let outcome = call(&mut world, ARBWASM, data, U256::from(10).pow(U256::from(18)), GAS);
    assert_eq!(words(&outcome.output)[0], U256::from(3));
    assert_eq!(call(&mut world, PROGRAM, Vec::new(), U256::ZERO, GAS).status, TxStatus::Success);
}
