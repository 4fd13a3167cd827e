//! Stylus benchmarks, each reported from one run (ratios, since machines are noisy):
//! - counter calls per second through `diorama run` (target >= 80k/s);
//! - Stylus vs Solidity on the same algorithm (sieve, keccak loop): wall time and gas;
//! - metered vs unmetered Wasmer on the compute contract (target <= 1.3x);
//! - cold vs warm module cache (compile, deserialize from disk, memory hit).
//!
//! Run with `cargo bench -p diorama-runner --bench stylus`.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use alloy_dyn_abi::DynSolValue;
use alloy_primitives::{Address, Bytes, U256, keccak256};
use executor_wasmer::{CacheOptions, WasmerExecutor};
use world_mock::stylus::{StylusExecutor, encode_program};
use world_mock::{Commit, TxRequest, TxStatus, World};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROUNDS: usize = 5;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures").canonicalize().unwrap()
}

/// Rounds of the metered/unmetered pairs: a run takes well under a few milliseconds, and the
/// ratio sits near its target, so it is taken from many rounds, metered and unmetered in turn.
const METER_ROUNDS: usize = 40;

mod timing;

fn best_of(mut run: impl FnMut() -> Duration) -> Duration {
    (0..ROUNDS).map(|_| run()).min().unwrap()
}

fn calldata(signature: &str, n: u64) -> Bytes {
    let mut data = keccak256(signature.as_bytes())[..4].to_vec();
    data.extend(DynSolValue::Uint(U256::from(n), 256).abi_encode());
    data.into()
}

const STYLUS: Address = Address::repeat_byte(0x51);
const SOLIDITY: Address = Address::repeat_byte(0x50);
const USER: Address = Address::repeat_byte(0x0a);

fn world_with(executor: Rc<dyn StylusExecutor>) -> World {
    let mut world = World::default();
    world.set_stylus_executor(executor);
    let wasm = std::fs::read(fixtures().join("wasm/compute.wasm")).unwrap();
    world.state_mut().set_code(STYLUS, &encode_program(&wasm));
    world.activate_program(STYLUS).unwrap();
    let artifact: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("artifacts/Compute.json")).unwrap()).unwrap();
    let runtime =
        alloy_primitives::hex::decode(artifact["deployedBytecode"].as_str().unwrap().trim_start_matches("0x")).unwrap();
    world.state_mut().set_code(SOLIDITY, &runtime);
    world
}

/// One query; returns (wall time, gas used).
fn run(world: &mut World, to: Address, data: &Bytes) -> (Duration, u64) {
    let request = TxRequest { from: USER, to: Some(to), data: data.clone(), gas_limit: None, ..Default::default() };
    let start = Instant::now();
    let outcome = world.execute(&request, Commit::No).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(outcome.status, TxStatus::Success, "{outcome:?}");
    (elapsed, outcome.gas_used)
}

fn stylus_vs_solidity(executor: Rc<dyn StylusExecutor>) {
    let mut world = world_with(executor);
    println!("Stylus vs Solidity, same algorithm (best of {ROUNDS}, module cached):");
    for (signature, n) in [("sieve(uint256)", 20_000u64), ("keccakLoop(uint256)", 2_000), ("fib(uint256)", 5_000)] {
        let data = calldata(signature, n);
        let (_, stylus_gas) = run(&mut world, STYLUS, &data);
        let (_, solidity_gas) = run(&mut world, SOLIDITY, &data);
        let stylus = best_of(|| run(&mut world, STYLUS, &data).0);
        let solidity = best_of(|| run(&mut world, SOLIDITY, &data).0);
        println!(
            "  {signature:<20} n={n:<6} wall stylus {stylus:>9.2?} solidity {solidity:>9.2?} ({:.2}x)   gas stylus {stylus_gas:>9} solidity {solidity_gas:>9} ({:.2}x)",
            stylus.as_secs_f64() / solidity.as_secs_f64(),
            stylus_gas as f64 / solidity_gas as f64
        );
    }
}

fn metered_vs_unmetered() {
    let metered = Rc::new(WasmerExecutor::new(CacheOptions::memory_only()));
    let unmetered = Rc::new(WasmerExecutor::unmetered(CacheOptions::memory_only()));
    let mut with = world_with(metered);
    let mut without = world_with(unmetered);
    println!("Metered vs unmetered Wasmer on the compute contract (best of {METER_ROUNDS}, taken in turn):");
    let cases = [
        ("sieve", "sieve(uint256)", 20_000u64),
        ("keccak", "keccakLoop(uint256)", 2_000),
        ("fib", "fib(uint256)", 5_000),
    ];
    for (name, signature, n) in cases {
        let data = calldata(signature, n);
        run(&mut with, STYLUS, &data);
        run(&mut without, STYLUS, &data);
        let [a, b] = timing::best_of_each(
            METER_ROUNDS,
            [&mut || run(&mut with, STYLUS, &data).0, &mut || run(&mut without, STYLUS, &data).0],
        );
        println!(
            "  {signature:<20} metered {a:>9.2?} unmetered {b:>9.2?}  ratio {:.2}x (target <= 1.3x)",
            a.as_secs_f64() / b.as_secs_f64()
        );
        println!("BENCH metering.{name}_ratio={:.3}", a.as_secs_f64() / b.as_secs_f64());
    }
}

fn module_cache() {
    let dir = std::env::temp_dir().join(format!("diorama-bench-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data = calldata("fib(uint256)", 10);
    let cold_exec = Rc::new(WasmerExecutor::new(CacheOptions::with_dir(dir.clone())));
    let mut world = world_with(cold_exec.clone());
    let (cold, _) = run(&mut world, STYLUS, &data);
    let warm = best_of(|| run(&mut world, STYLUS, &data).0);
    let disk_exec = Rc::new(WasmerExecutor::new(CacheOptions::with_dir(dir.clone())));
    let mut disk_world = world_with(disk_exec.clone());
    let (disk, _) = run(&mut disk_world, STYLUS, &data);
    println!("Module cache, first call of compute.fib(10):");
    println!(
        "  cold (compile) {cold:>9.2?}   disk (deserialize) {disk:>9.2?}   warm (memory) {warm:>9.2?}   cold/warm {:.0}x   compiles: cold run {}, disk run {}",
        cold.as_secs_f64() / warm.as_secs_f64(),
        cold_exec.stats().compiles,
        disk_exec.stats().compiles
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Best time of `diorama run` (in process, `jobs` jobs: 0 is the default) on a file of one
/// activation and `calls` counter `increment()` calls.
fn time_counter_file(dir: &Path, calls: usize, jobs: usize) -> Duration {
    let wasm = fixtures().join("wasm/counter.wasm");
    let mut steps = vec![serde_json::json!({
        "step": "setState",
        "accounts": { "address:user": {}, "address:counter": { "code": format!("wasm:{}", wasm.display()), "activate": true } }
    })];
    for _ in 0..calls {
        steps.push(serde_json::json!({
            "step": "call",
            "tx": { "from": "address:user", "to": "address:counter", "function": "increment()" },
            "expect": { "status": "success" }
        }));
    }
    let path = dir.join(format!("counter-{calls}.scen.json"));
    std::fs::write(&path, serde_json::to_string(&serde_json::json!({ "steps": steps })).unwrap()).unwrap();
    let options = diorama::suite::RunOptions { filter: None, jobs, ..Default::default() };
    best_of(|| {
        let start = Instant::now();
        let report = diorama::suite::run_paths(std::slice::from_ref(&path), &options).unwrap();
        let elapsed = start.elapsed();
        assert_eq!(report.exit_code(), 0, "{}", diorama::report::render_human(&report, false));
        elapsed
    })
}

/// The figure (a 2,000-call file), then where its time goes: a 20,000-call file gives
/// the cost of one more call, and the difference the file's fixed cost (activation, fresh
/// memory, the run's setup).
fn counter_calls_through_runner() {
    const CALLS: usize = 2_000;
    const MANY: usize = 20_000;
    let dir = std::env::temp_dir().join(format!("diorama-bench-counter-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let elapsed = time_counter_file(&dir, CALLS, 1);
    let many = time_counter_file(&dir, MANY, 1);
    // With the default jobs, the file loads on a second thread while it runs.
    let default_jobs = time_counter_file(&dir, CALLS, 0);
    println!(
        "Stylus counter increment() through `diorama run`: {CALLS} calls in {elapsed:.2?} = {:.0} calls/s (target >= 80,000/s)",
        CALLS as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  default --jobs: {CALLS} calls in {default_jobs:.2?} = {:.0} calls/s",
        CALLS as f64 / default_jobs.as_secs_f64()
    );
    let per_call = (many.as_secs_f64() - elapsed.as_secs_f64()) / (MANY - CALLS) as f64;
    println!(
        "  {MANY} calls in {many:.2?}: {:.2} us per further call ({:.0} calls/s), {:.2} ms fixed per file",
        per_call * 1e6,
        1.0 / per_call,
        (elapsed.as_secs_f64() - per_call * CALLS as f64) * 1e3
    );
    println!("BENCH stylus.counter_calls_per_s={:.0}", CALLS as f64 / elapsed.as_secs_f64());
    println!("BENCH stylus.counter_default_jobs_calls_per_s={:.0}", CALLS as f64 / default_jobs.as_secs_f64());
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    counter_calls_through_runner();
    stylus_vs_solidity(Rc::new(WasmerExecutor::new(CacheOptions::memory_only())));
    metered_vs_unmetered();
    module_cache();
}
