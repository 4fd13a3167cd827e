//! Calling activated programs: records, the entry cost (memory model and init gas), the ink
//! handed to the executor, the return-data floor, and each frame's ink counted once (the
//! transaction's is its outermost frame's inclusive ink).

mod activation_support;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use activation_support::*;
use world_mock::revm::primitives::{Address, Bytes, U256, address};
use world_mock::stylus::{CallKind, StylusCall, StylusExecutor, StylusOutcome, StylusParams, StylusStatus, VmHooks};
use world_mock::{BlockSettings, TxStatus, World};

const GAS: u64 = 1_000_000;
const OTHER: Address = address!("0000000000000000000000000000000000005102");
/// Gas every fake frame spends on its own work.
const OWN_GAS: u64 = 100;

/// What a fake program does: optionally call another program, then optionally open pages, then
/// return `output_len` zero bytes.
#[derive(Clone, Copy, Debug, Default)]
struct Behaviour {
    call: Option<Address>,
    add_pages: Option<u16>,
    output_len: usize,
}

#[derive(Clone, Debug)]
struct Seen {
    contract: Address,
    gas_limit: u64,
    ink_limit: u64,
    page_cost: Option<u64>,
}

/// Records each frame it runs.
#[derive(Default)]
struct Recorder {
    behaviour: HashMap<Address, Behaviour>,
    seen: RefCell<Vec<Seen>>,
}

impl StylusExecutor for Recorder {
    fn name(&self) -> &'static str {
        "recorder"
    }

    fn execute(&self, call: &StylusCall, hooks: &mut dyn VmHooks) -> StylusOutcome {
        let behaviour = self.behaviour.get(&call.contract).copied().unwrap_or_default();
        let mut used = OWN_GAS;
        if let Some(to) = behaviour.call {
            let result = hooks.call(CallKind::Call, to, Bytes::new(), U256::ZERO, call.gas_limit - used, u64::MAX);
            used += result.expect("the call runs").gas_cost;
        }
        let page_cost = behaviour.add_pages.map(|pages| hooks.add_pages(pages));
        used += page_cost.unwrap_or(0);
        let seen = Seen { contract: call.contract, gas_limit: call.gas_limit, ink_limit: call.ink_limit, page_cost };
        self.seen.borrow_mut().push(seen);
        StylusOutcome {
            status: StylusStatus::Success,
            output: vec![0; behaviour.output_len].into(),
            gas_used: used,
            ink_used: Some(used * 10_000),
            detail: None,
        }
    }
}

fn setup(programs: &[(Address, &str, Behaviour)]) -> (World, Rc<Recorder>) {
    let mut world = world_with(PROGRAM, &[]);
    let mut recorder = Recorder::default();
    for (address, memory, behaviour) in programs {
        let wasm = wasm(&program_wat("", memory, &format!("i32.const {}", address.0[19])));
        world.state_mut().set_code(*address, &world_mock::stylus::encode_program(&wasm));
        world.activate_program(*address).expect("activates");
        recorder.behaviour.insert(*address, *behaviour);
    }
    let recorder = Rc::new(recorder);
    world.set_stylus_executor(recorder.clone());
    (world, recorder)
}

fn run(world: &mut World, to: Address, gas: u64) -> world_mock::TxOutcome {
    call(world, to, Vec::new(), U256::ZERO, gas)
}

#[test]
fn a_program_that_was_never_activated_uses_all_gas() {
    let (mut world, recorder) = setup(&[]);
    world
        .state_mut()
        .set_code(PROGRAM, &world_mock::stylus::encode_program(&wasm(&program_wat("", "1 1", "i32.const 0"))));
    let outcome = run(&mut world, PROGRAM, GAS);
    assert_eq!((outcome.status, outcome.gas_used), (TxStatus::NotActivated, GAS));
    assert_eq!(outcome.halt_reason.as_deref(), Some("program not activated"));
    assert!(recorder.seen.borrow().is_empty());
}

#[test]
fn undecodable_code_is_invalid_code() {
    let (mut world, _) = setup(&[]);
    world.state_mut().set_code(PROGRAM, &[0xEF, 0xF0, 0x00, 0x00, 0xFF, 0xFF]);
    let outcome = run(&mut world, PROGRAM, GAS);
    assert_eq!((outcome.status, outcome.gas_used), (TxStatus::InvalidCode, GAS));
}

#[test]
fn the_entry_cost_is_charged_before_the_program_runs() {
    let (mut world, recorder) = setup(&[(PROGRAM, "3 3", Behaviour::default())]);
    let program = world.program_at(PROGRAM).unwrap().info;
    let outcome = run(&mut world, PROGRAM, GAS);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");

    // 3 pages, 2 free: 1 page · 1000 gas + exp(3) − exp(0) = 1000 + 1 − 1.
    let memory = 1_000;
    let init = 69 * 128 + u64::from(program.init_cost);
    let cached = 11 * 32 + u64::from(program.cached_cost);
    let entry = memory + init + cached;
    let frame_gas = GAS - intrinsic(&[]);
    let seen = recorder.seen.borrow()[0].clone();
    assert_eq!(seen.gas_limit, frame_gas - entry);
    assert_eq!(seen.ink_limit, (frame_gas - entry) * 10_000);
    assert_eq!(outcome.gas_used, intrinsic(&[]) + entry + OWN_GAS);

    // One gas short of the entry cost: out of gas before the program runs.
    let outcome = run(&mut world, PROGRAM, intrinsic(&[]) + entry - 1);
    assert_eq!(outcome.status, TxStatus::OutOfGas);
    assert_eq!(recorder.seen.borrow().len(), 1);
}

#[test]
fn pages_follow_the_memory_model_and_are_released_on_return() {
    let caller = Behaviour { call: Some(OTHER), add_pages: Some(10), output_len: 0 };
    let (mut world, recorder) = setup(&[(PROGRAM, "3 3", caller), (OTHER, "3 3", Behaviour::default())]);
    let outcome = run(&mut world, PROGRAM, GAS);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    // OTHER's 3 pages were open on top of PROGRAM's 3 (ever = 6) and released on return
    // (open = 3): 10 more pages cost 10 · 1000 + exp(13) − exp(6) = 10,000 + 5 − 2.
    let seen = recorder.seen.borrow();
    assert_eq!(seen[1].contract, PROGRAM);
    assert_eq!(seen[1].page_cost, Some(10_003));
    drop(seen);

    // The counters start afresh in each transaction.
    let grow = Behaviour { add_pages: Some(2), ..Behaviour::default() };
    let (mut world, recorder) = setup(&[(PROGRAM, "3 3", grow)]);
    for _ in 0..2 {
        run(&mut world, PROGRAM, GAS);
    }
    // open = ever = 3, two more: 2 · 1000 + exp(5) − exp(3) = 2000 + 1 − 1.
    let costs: Vec<_> = recorder.seen.borrow().iter().map(|s| s.page_cost).collect();
    assert_eq!(costs, vec![Some(2_000), Some(2_000)]);
}

#[test]
fn each_frames_ink_is_counted_once() {
    let caller = Behaviour { call: Some(OTHER), ..Behaviour::default() };
    let (mut world, _) = setup(&[(PROGRAM, "1 1", caller), (OTHER, "1 1", Behaviour::default())]);
    let outcome = run(&mut world, PROGRAM, GAS);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    let [outer, inner] = &outcome.stylus_frames[..] else { panic!("two frames: {outcome:?}") };
    // The callee's frame: its own work; its gas adds the entry cost.
    assert_eq!((inner.ink, inner.self_ink), (Some(OWN_GAS * 10_000), Some(OWN_GAS * 10_000)));
    let program = world.program_at(OTHER).unwrap().info;
    let entry = 69 * 128 + u64::from(program.init_cost) + 11 * 32 + u64::from(program.cached_cost);
    assert_eq!(inner.gas_used, entry + OWN_GAS);
    // The caller's ink is inclusive: its own work and the call (2,600 cold + the callee's gas).
    assert_eq!(outer.self_ink, Some(OWN_GAS * 10_000));
    assert_eq!(outer.ink, Some((OWN_GAS + 2_600 + inner.gas_used) * 10_000));
    // The transaction counts the outermost frame's inclusive ink, so the callee once.
    assert_eq!(outcome.ink_used, outer.ink);
}

#[test]
fn returned_data_costs_at_least_its_memory_expansion() {
    let returns = Behaviour { output_len: 1024, ..Behaviour::default() };
    let (mut world, _) = setup(&[(PROGRAM, "1 1", returns)]);
    let program = world.program_at(PROGRAM).unwrap().info;
    let entry = 69 * 128 + u64::from(program.init_cost) + 11 * 32 + u64::from(program.cached_cost);
    // 32 words: 3 · 32 + 32² / 512 = 98 gas, less than entry + own gas, so no effect...
    let outcome = run(&mut world, PROGRAM, GAS);
    assert_eq!(outcome.gas_used, intrinsic(&[]) + entry + OWN_GAS);
    // ...but 64 KiB is 2048 words: 6144 + 8192 = 14,336 gas, more than the frame used.
    let big = Behaviour { output_len: 65_536, ..Behaviour::default() };
    let (mut world, _) = setup(&[(PROGRAM, "1 1", big)]);
    let outcome = run(&mut world, PROGRAM, GAS);
    assert_eq!(outcome.gas_used, intrinsic(&[]) + 14_336);
    // Before ArbOS 31 there is no floor. (ArbOS 30 runs Stylus version 1: the program is
    // activated again, and an uncached v1 call pays MinInitGas 72·128 + an init cost that
    // includes the cached one.)
    world.set_block(BlockSettings { arbos_version: 30, ..BlockSettings::default() });
    let v1 = world.activate_program(PROGRAM).unwrap();
    assert_eq!(v1.version, 1);
    let entry = 72 * 128 + u64::from(v1.init_cost);
    assert_eq!(entry, world_mock::stylus::program_call_gas(&v1, world.stylus_params()));
    let outcome = run(&mut world, PROGRAM, GAS);
    assert_eq!(outcome.gas_used, intrinsic(&[]) + entry + OWN_GAS);
}

#[test]
fn upgraded_and_expired_programs_do_not_run() {
    let (mut world, recorder) = setup(&[(PROGRAM, "1 1", Behaviour::default())]);
    world.set_stylus_params(StylusParams { version: 3, ..StylusParams::default() });
    let outcome = run(&mut world, PROGRAM, GAS);
    assert_eq!((outcome.status, outcome.gas_used), (TxStatus::NotActivated, GAS));
    assert!(outcome.halt_reason.unwrap_or_default().contains("needs upgrade"));

    world.set_stylus_params(StylusParams::default());
    let later = BlockSettings { timestamp: 1_700_000_000 + 366 * 24 * 3600, ..BlockSettings::default() };
    world.set_block(later);
    let outcome = run(&mut world, PROGRAM, GAS);
    assert_eq!(outcome.status, TxStatus::NotActivated);
    assert!(outcome.halt_reason.unwrap_or_default().contains("expired"));
    assert!(recorder.seen.borrow().is_empty());
}
