//! The same programs under ArbOS 30, 31, 32, 40, 50 and 60 through the world and this executor:
//! each version gate of stylus-semantics (header list, §2.5, §3.3, §4, §1.3) shows.
//! - stack cap: 262,144 words before ArbOS 50, 22,000 from it (the ArbOS 50 upgrade);
//! - return-data floor: from ArbOS 31, returning n bytes costs at least their EVM memory cost;
//! - flush out of gas: nitro's SetTrieSlots reports Failure before ArbOS 50 (the frame fails,
//!   keeping its gas), OutOfGas from it (the frame runs out of ink, using all gas);
//! - recent-program cache: from ArbOS 60 a second call in the same block pays cached gas;
//! - multi-value: refused by activation from ArbOS 60.
//!
//! Fragments (ArbOS 60): a program whose compressed form is over the 24,576-byte code limit is
//! deployed as a root and fragments, activated and run under ArbOS 60, and refused at 50.

use std::rc::Rc;

use executor_wasmer::{CacheOptions, WasmerExecutor};
use world_mock::revm::primitives::{Address, U256, address};
use world_mock::stylus::{ARBWASM, encode_fragments, encode_program, selector};
use world_mock::{BlockSettings, Commit, TxOutcome, TxRequest, TxStatus, World, deployment_code};

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const PROGRAM: Address = address!("0000000000000000000000000000000000005101");
const VERSIONS: [u64; 6] = [30, 31, 32, 40, 50, 60];

fn world_at(version: u64) -> World {
    let mut world = World::default();
    world.set_stylus_executor(Rc::new(WasmerExecutor::new(CacheOptions::memory_only())));
    world.set_block(BlockSettings { arbos_version: version, ..world.block().clone() });
    world.state_mut().account_mut(ALICE).balance = U256::from(10).pow(U256::from(22));
    world
}

fn with_program(version: u64, wat: &str) -> World {
    let mut world = world_at(version);
    world.state_mut().set_code(PROGRAM, &encode_program(&wat::parse_str(wat).unwrap()));
    world.activate_program(PROGRAM).expect("activates");
    world
}

fn send(world: &mut World, to: Address, data: Vec<u8>, gas_limit: u64, value: U256) -> TxOutcome {
    let request = TxRequest {
        from: ALICE,
        to: Some(to),
        data: data.into(),
        gas_limit: Some(gas_limit),
        value,
        ..Default::default()
    };
    world.execute(&request, Commit::Yes).expect("the transaction runs")
}

/// `f(n)` recurses n times (n = calldata length); 6 words per frame.
const RECURSION: &str = r#"(module
    (import "vm_hooks" "read_args" (func $read_args (param i32)))
    (memory (export "memory") 1 1)
    (func $f (param $n i32)
      local.get $n
      if local.get $n i32.const 1 i32.sub call $f end)
    (func (export "user_entrypoint") (param $len i32) (result i32)
      local.get $len call $f i32.const 0))"#;

/// Returns 65,536 zero bytes: cheap in ink, 2,048 words of EVM memory (6,144 + 8,192 gas).
const BIG_RETURN: &str = r#"(module
    (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
    (memory (export "memory") 1 1)
    (func (export "user_entrypoint") (param i32) (result i32)
      (call $write_result (i32.const 0) (i32.const 65536)) i32.const 0))"#;

/// Caches slot 0 = 1 and flushes: a fresh SSTORE of 22,100 gas.
const FLUSH: &str = r#"(module
    (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
    (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
    (memory (export "memory") 1 1)
    (data (i32.const 63) "\01")
    (func (export "user_entrypoint") (param i32) (result i32)
      (call $cache (i32.const 0) (i32.const 32))
      (call $flush (i32.const 0))
      i32.const 0))"#;

/// A multi-value helper function.
const MULTI_VALUE: &str = r#"(module
    (memory (export "memory") 1 1)
    (func $pair (result i32 i32) i32.const 1 i32.const 2)
    (func (export "user_entrypoint") (param i32) (result i32)
      call $pair drop drop i32.const 0))"#;

/// Entry cost of the program at PROGRAM (init and cached-init gas; its one page is free).
fn entry(world: &World) -> u64 {
    let program = world.program_at(PROGRAM).unwrap().info;
    world_mock::stylus::program_call_gas(&program, world.stylus_params())
}

#[test]
fn version_gates() {
    for version in VERSIONS {
        // Stack cap: 5,000 levels need 30,012 words, more than 22,000.
        let mut world = with_program(version, RECURSION);
        assert_eq!(world.stylus_params().max_stack_depth, if version >= 50 { 22_000 } else { 262_144 });
        let deep = send(&mut world, PROGRAM, vec![0; 5_000], 30_000_000, U256::ZERO);
        let expected = if version >= 50 { TxStatus::OutOfStack } else { TxStatus::Success };
        assert_eq!(deep.status, expected, "ArbOS {version}: {deep:?}");

        // Return-data floor.
        let mut world = with_program(version, BIG_RETURN);
        let entry_gas = entry(&world);
        let outcome = send(&mut world, PROGRAM, Vec::new(), 30_000_000, U256::ZERO);
        assert_eq!((outcome.status, outcome.output.len()), (TxStatus::Success, 65_536), "ArbOS {version}");
        let frame = outcome.stylus_frames[0].gas_used;
        if version >= 31 {
            assert_eq!(frame, 6_144 + 8_192, "ArbOS {version}: the floor");
        } else {
            let program = outcome.ink_used.unwrap().div_ceil(10_000);
            assert_eq!(frame, entry_gas + program, "ArbOS {version}: no floor");
            assert!(frame < 6_144 + 8_192);
        }

        // Flush out of gas: 21,000 + the entry cost + 10,000 leaves less than the 22,100 the
        // SSTORE needs (but more than the 2,300 sentry).
        let mut world = with_program(version, FLUSH);
        let limit = 21_000 + entry(&world) + 10_000;
        let outcome = send(&mut world, PROGRAM, Vec::new(), limit, U256::ZERO);
        if version >= 50 {
            assert_eq!((outcome.status, outcome.gas_used), (TxStatus::OutOfInk, limit), "ArbOS {version}");
        } else {
            assert_eq!(outcome.status, TxStatus::Failure, "ArbOS {version}: {outcome:?}");
            assert!(outcome.gas_used < limit, "a failure keeps the gas left");
        }
        assert_eq!(world.state().storage_at(&PROGRAM, &U256::ZERO), U256::ZERO);

        // Recent-program cache: the second call in a block pays cached-init gas from ArbOS 60,
        // and a new block forgets it.
        let mut world = with_program(version, FLUSH);
        let program = world.program_at(PROGRAM).unwrap().info;
        let init = world_mock::stylus::init_gas(&program, world.stylus_params());
        let first = send(&mut world, PROGRAM, Vec::new(), 30_000_000, U256::ZERO).stylus_frames[0].gas_used;
        let second = send(&mut world, PROGRAM, Vec::new(), 30_000_000, U256::ZERO).stylus_frames[0].gas_used;
        // The second call's SSTORE rewrites the same value (cold in a new transaction: 2,100 +
        // 100 instead of 22,100), cheaper by that too from ArbOS 32; before it the flush's gas
        // was not charged at all (nitro's charging fix).
        let sstore_saved = if version >= 32 { 22_100 - 2_200 } else { 0 };
        let saved = if version >= 60 { init + sstore_saved } else { sstore_saved };
        assert_eq!(first - second, saved, "ArbOS {version}");
        let block = world.block().clone();
        world.set_block(BlockSettings { number: block.number + 1, ..block });
        let third = send(&mut world, PROGRAM, Vec::new(), 30_000_000, U256::ZERO).stylus_frames[0].gas_used;
        assert_eq!(first - third, sstore_saved, "ArbOS {version}: a new block");

        // Multi-value: refused from ArbOS 60.
        let mut world = world_at(version);
        world.state_mut().set_code(PROGRAM, &encode_program(&wat::parse_str(MULTI_VALUE).unwrap()));
        let activated = world.activate_program(PROGRAM);
        if version >= 60 {
            let error = activated.expect_err("multi-value is refused").to_string();
            assert!(error.contains("multi-value"), "{error}");
        } else {
            assert!(activated.is_ok(), "ArbOS {version}: {activated:?}");
            assert_eq!(send(&mut world, PROGRAM, Vec::new(), 1_000_000, U256::ZERO).status, TxStatus::Success);
        }
    }
}

/// A valid program whose WASM is ~56 KB and whose compressed form is ~40 KB: a data segment of
/// pseudo-random (incompressible) bytes; it returns the segment's first 32 bytes.
fn large_program() -> Vec<u8> {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let data: String = (0..40_000)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            format!("\\{:02x}", seed as u8)
        })
        .collect();
    let wat = format!(
        r#"(module
            (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
            (memory (export "memory") 1 1)
            (data (i32.const 0) "{data}")
            (func (export "user_entrypoint") (param i32) (result i32)
              (call $write_result (i32.const 0) (i32.const 32)) i32.const 0))"#
    );
    wat::parse_str(wat).unwrap()
}

/// Deploys `runtime` with a CREATE from ALICE; the new address, or the failure.
fn deploy(world: &mut World, runtime: &[u8]) -> Result<Address, Box<TxOutcome>> {
    let request = TxRequest { from: ALICE, data: deployment_code(runtime).into(), ..Default::default() };
    let outcome = world.execute(&request, Commit::Yes).expect("the transaction runs");
    match (outcome.status, outcome.created) {
        (TxStatus::Success, Some(address)) => Ok(address),
        _ => Err(Box::new(outcome)),
    }
}

fn activate(world: &mut World, program: Address) -> TxOutcome {
    let data = [&selector("activateProgram(address)")[..], program.into_word().as_slice()].concat();
    send(world, ARBWASM, data, 30_000_000, U256::from(10).pow(U256::from(19)))
}

#[test]
fn a_program_over_the_code_limit_runs_in_fragments_from_arbos_60() {
    let wasm = large_program();
    let classic = encode_program(&wasm);
    assert!(classic.len() > 40_000 && classic.len() < 41_000, "{} bytes compressed", classic.len());
    let fragments_at = [ALICE.create(1), ALICE.create(2)];
    let (root, fragments) = encode_fragments(&wasm, &fragments_at);
    for fragment in &fragments {
        assert!(fragment.len() <= 24_576, "{} bytes", fragment.len());
    }

    // ArbOS 50: the classic form cannot be deployed (code size limit), and a root (placed
    // directly) is no program: activation refuses it and a call runs it as EVM code (0xEF).
    let mut world = world_at(50);
    let refused = deploy(&mut world, &classic).expect_err("over 24,576 bytes");
    assert_ne!(refused.status, TxStatus::Success);
    let root_address = ALICE.create(3);
    for (address, code) in fragments_at.iter().zip(&fragments) {
        world.state_mut().set_code(*address, code);
    }
    world.state_mut().set_code(root_address, &root);
    let outcome = activate(&mut world, root_address);
    assert_eq!(outcome.status, TxStatus::Revert, "ArbOS 50 has no root programs: {outcome:?}");
    assert!(outcome.halt_reason.unwrap().contains("not a Stylus program"));
    let call = send(&mut world, root_address, Vec::new(), 1_000_000, U256::ZERO);
    assert_eq!(call.status, TxStatus::Failure, "the root runs as EVM code: {call:?}");

    // ArbOS 60: fragments and root deploy by CREATE, the root activates and runs.
    let mut world = world_at(60);
    deploy(&mut world, &[0x00]).unwrap(); // nonce 0, so the fragments land where the root says
    for fragment in &fragments {
        deploy(&mut world, fragment).unwrap();
    }
    assert_eq!(deploy(&mut world, &root).unwrap(), root_address);
    let outcome = activate(&mut world, root_address);
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    let program = world.program_at(root_address).expect("the root's program is recorded").info;
    let info = world_mock::stylus::activate_wasm(&wasm, program.codehash, world.stylus_params()).unwrap();
    assert_eq!((program.init_cost, program.cached_cost), (info.program.init_cost, info.program.cached_cost));

    // Gas (nitro's ArbWasm.activateProgram at ArbOS 60): dispatch 803, ActivationGas read 800
    // (and 0 gas of it), 1,659,168 fixed, Params and record 900, then reading each fragment:
    // 2,600 cold + 3 per word of its code; the metered activation gas, 84,000 of writes, the
    // fee account 800, the event 2,149 and the result 6.
    let reads: u64 = fragments.iter().map(|f| 2_600 + 3 * (f.len() as u64).div_ceil(32)).sum();
    let expected = intrinsic_of(root_address)
        + 803
        + 800
        + 1_659_168
        + 900
        + reads
        + info.activation_gas
        + 84_000
        + 800
        + 2_149
        + 6;
    assert_eq!(outcome.gas_used, expected);

    let call = send(&mut world, root_address, Vec::new(), 30_000_000, U256::ZERO);
    assert_eq!(call.status, TxStatus::Success, "{call:?}");
    assert_eq!(call.output.as_ref(), &wasm_data_prefix(&wasm)[..]);

    // Fragments themselves are not programs.
    let fragment = send(&mut world, fragments_at[0], Vec::new(), 1_000_000, U256::ZERO);
    assert_eq!(fragment.status, TxStatus::Failure);
    let outcome = activate(&mut world, fragments_at[0]);
    assert_eq!(outcome.status, TxStatus::Revert);
    assert!(outcome.halt_reason.unwrap().contains("activate the root program instead"));

    // The recent-program cache is on at 60: the root's second call in this block pays less.
    let again = send(&mut world, root_address, Vec::new(), 30_000_000, U256::ZERO);
    let init = world_mock::stylus::init_gas(&program, world.stylus_params());
    assert_eq!(call.gas_used - again.gas_used, init);
}

/// Intrinsic gas of an activateProgram(address) transaction.
fn intrinsic_of(program: Address) -> u64 {
    let data = [&selector("activateProgram(address)")[..], program.into_word().as_slice()].concat();
    21_000 + data.iter().map(|b| if *b == 0 { 4 } else { 16 }).sum::<u64>()
}

/// The first 32 bytes of the module's data segment (what the large program returns).
fn wasm_data_prefix(wasm: &[u8]) -> Vec<u8> {
    // The data segment is the module's last section: `0b`, size, count 1, flags 0, i32.const 0
    // (41 00), end (0b), length (40,000 as LEB: c0 b8 02), then the bytes.
    let marker = [0x00, 0x41, 0x00, 0x0b, 0xc0, 0xb8, 0x02];
    let at = wasm.windows(marker.len()).rposition(|w| w == marker).expect("the data segment") + marker.len();
    wasm[at..at + 32].to_vec()
}
