//! The compute contract natively (the debugger executor) against metered Wasmer and the
//! Solidity twin, on the same inputs, in one run (ratios; machines are noisy). Goal: metered
//! Wasmer within 3x of native. The native form is measured as the debugger builds it (the
//! contract at `opt-level` 0, for stepping) and fully optimised (`opt-level` 3, as Wasmer's
//! input is). Each call includes the frame-thread hand-off of the native executor.
//!
//! Run with `cargo bench -p diorama-runner --bench debugger` (builds the native forms first).

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use alloy_dyn_abi::DynSolValue;
use alloy_primitives::{Address, Bytes, U256, keccak256};
use diorama::contracts::{ContractBuilds, ContractCrate};
use executor_debugger::{DebuggerExecutor, NativeProfile, NativeProgram};
use executor_wasmer::{CacheOptions, WasmerExecutor};
use world_mock::stylus::{StylusExecutor, encode_program};
use world_mock::{Commit, TxRequest, TxStatus, World};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROUNDS: usize = 7;
const STYLUS: Address = Address::repeat_byte(0x51);
const SOLIDITY: Address = Address::repeat_byte(0x50);
const USER: Address = Address::repeat_byte(0x0a);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
}

fn calldata(signature: &str, n: u64) -> Bytes {
    let mut data = keccak256(signature.as_bytes())[..4].to_vec();
    data.extend(DynSolValue::Uint(U256::from(n), 256).abi_encode());
    data.into()
}

/// A world with the compute program (its committed WASM) and its Solidity twin; `native`
/// routes the program to the debugger.
fn world(native: Option<Rc<dyn StylusExecutor>>) -> World {
    let mut world = World::default();
    world.set_stylus_executor(Rc::new(WasmerExecutor::new(CacheOptions::memory_only())));
    let wasm = std::fs::read(root().join("fixtures/wasm/compute.wasm")).unwrap();
    let code = encode_program(&wasm);
    world.state_mut().set_code(STYLUS, &code);
    world.activate_program(STYLUS).unwrap();
    if let Some(native) = native {
        world.route_program(keccak256(&code), native);
    }
    let artifact: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("fixtures/artifacts/Compute.json")).unwrap())
            .unwrap();
    let runtime =
        alloy_primitives::hex::decode(artifact["deployedBytecode"].as_str().unwrap().trim_start_matches("0x")).unwrap();
    world.state_mut().set_code(SOLIDITY, &runtime);
    world
}

/// A debugger executor with the compute contract's native form built at `opt_level`.
fn native(opt_level: u8) -> Rc<dyn StylusExecutor> {
    let builds = ContractBuilds::default();
    let profile = NativeProfile { contract_opt_level: opt_level };
    let krate = ContractCrate::open("compute", &root().join("contracts/stylus/compute"), profile).unwrap();
    let library = builds.native(&krate).unwrap();
    let executor = DebuggerExecutor::default();
    let code = encode_program(&std::fs::read(root().join("fixtures/wasm/compute.wasm")).unwrap());
    executor.register(keccak256(&code), NativeProgram::load(&library).unwrap());
    Rc::new(executor)
}

/// Best-of wall time and the output of one query.
fn time(world: &mut World, to: Address, data: &Bytes) -> (Duration, Bytes) {
    let request = TxRequest { from: USER, to: Some(to), data: data.clone(), ..Default::default() };
    let mut output = Bytes::new();
    let best = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            let outcome = world.execute(&request, Commit::No).unwrap();
            let elapsed = start.elapsed();
            assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
            output = outcome.output;
            elapsed
        })
        .min()
        .unwrap();
    (best, output)
}

fn main() {
    let mut wasmer = world(None);
    let mut native0 = world(Some(native(0)));
    let mut native3 = world(Some(native(3)));
    println!("compute contract, best of {ROUNDS} (native includes the frame-thread hand-off):");
    println!(
        "  {:<26} {:>11} {:>11} {:>11} {:>11}   {:>13} {:>13}",
        "call", "native(o3)", "native(o0)", "wasmer", "solidity", "wasmer/o3", "wasmer/o0"
    );
    for (signature, n) in [("sieve(uint256)", 20_000u64), ("keccakLoop(uint256)", 2_000), ("fib(uint256)", 5_000)] {
        let data = calldata(signature, n);
        let (w, out_w) = time(&mut wasmer, STYLUS, &data);
        let (n0, out_0) = time(&mut native0, STYLUS, &data);
        let (n3, out_3) = time(&mut native3, STYLUS, &data);
        let (s, out_s) = time(&mut wasmer, SOLIDITY, &data);
        assert!(out_w == out_0 && out_w == out_3 && out_w == out_s, "all four compute the same result");
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
        println!(
            "  {:<26} {n3:>11.2?} {n0:>11.2?} {w:>11.2?} {s:>11.2?}   {:>12.2}x {:>12.2}x",
            format!("{signature} n={n}"),
            ratio(w, n3),
            ratio(w, n0),
        );
    }
    println!("  goal: metered Wasmer <= 3x native");
}
