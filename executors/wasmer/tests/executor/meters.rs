//! The default ink meter checks the ink only where a difference could be observed
//! (`MeterScheme::AtBoundaries`); nitro's checks it before every basic block. Both must give
//! exactly the same status, output, ink, gas, detail and effects on the chain for every
//! program and every ink limit. The reference here is the executor built with nitro's scheme
//! (`WasmerExecutor::every_block`); the programs are the WAT fixtures, the Stylus contracts
//! of `fixtures/wasm`, the hand-written generator's programs and wasm-smith modules shaped like
//! Stylus programs, each run with its full budget and again with ink limits drawn below what it
//! used, so that most runs end out of ink somewhere inside a loop. CI runs a seeded sample;
//! `ci/fuzz-meter` runs 5,000 seeds, about 10,000 programs (`DIORAMA_METER_CASES`).

use std::path::PathBuf;

use arbitrary::Unstructured;
use executor_wasmer::{CacheOptions, WasmerExecutor};
use world_mock::revm::primitives::keccak256;
use world_mock::stylus::{StylusExecutor, StylusParams, StylusStatus, activate_wasm};

use crate::common::{FakeHooks, INK_PRICE, call_wasm, observe};
use crate::fixtures::fixture;

/// Ink for a full run: enough for every fixture, small enough that generated endless loops end
/// quickly.
const FULL_INK: u64 = 400_000_000;

/// Ink limits drawn per program below what its full run used.
const LIMITS_PER_PROGRAM: usize = 6;

struct Meters {
    fast: WasmerExecutor,
    nitro: WasmerExecutor,
}

impl Meters {
    fn new() -> Self {
        Self {
            fast: WasmerExecutor::new(CacheOptions::memory_only()),
            nitro: WasmerExecutor::every_block(CacheOptions::memory_only()),
        }
    }

    /// Runs `wasm` on both with `ink`; panics on any difference. Returns the ink nitro's used.
    fn compare(&self, what: &str, wasm: &[u8], calldata: &[u8], ink: u64) -> u64 {
        let mut call = call_wasm(wasm.to_vec(), calldata, ink / INK_PRICE);
        call.ink_limit = ink;
        let (mut a, mut b) = (FakeHooks::default(), FakeHooks::default());
        let fast = self.fast.execute(&call, &mut a);
        let nitro = self.nitro.execute(&call, &mut b);
        assert_eq!(
            observe(&fast, &a),
            observe(&nitro, &b),
            "{what}, {} bytes of calldata, ink limit {ink}",
            calldata.len()
        );
        nitro.ink_used.unwrap_or(0)
    }

    /// A full run, then runs with limits drawn below the ink it used (and right at it).
    fn sweep(&self, what: &str, wasm: &[u8], calldata: &[u8], rng: &mut fastrand::Rng) {
        let used = self.compare(what, wasm, calldata, FULL_INK);
        let mut limits = vec![used, used.saturating_sub(1), 0, 1];
        limits.extend((0..LIMITS_PER_PROGRAM).map(|_| rng.u64(..=used)));
        // A frame that traps stopped at `used`; the next blocks' charges lie just above it.
        limits.extend((0..2).map(|_| used + rng.u64(1..10_000)));
        for ink in limits {
            self.compare(what, wasm, calldata, ink);
        }
    }
}

/// Programs that activate (the others never run).
fn activates(wasm: &[u8]) -> bool {
    activate_wasm(wasm, keccak256(wasm), &StylusParams::default()).is_ok()
}

fn calldatas() -> Vec<Vec<u8>> {
    let mut calldatas = vec![Vec::new(), b"meters".to_vec(), vec![0xff; 40]];
    let signatures = [
        "sieve(uint256)",
        "fib(uint256)",
        "keccakLoop(uint256)",
        "increment()",
        "number()",
        "setNumber(uint256)",
        "totalSupply()",
        "balanceOf(address)",
        "transfer(address,uint256)",
        "mint(address,uint256)",
    ];
    for signature in signatures {
        let mut data = keccak256(signature.as_bytes())[..4].to_vec();
        data.extend([0; 31]);
        data.push(60);
        calldatas.push(data);
    }
    calldatas
}

#[test]
fn fixtures_meter_alike_at_every_ink_limit() {
    let meters = Meters::new();
    let mut rng = fastrand::Rng::with_seed(0x1ee7);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut programs = Vec::new();
    for entry in std::fs::read_dir(dir.join("wat")).unwrap() {
        let name = entry.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned();
        let wasm = wat::parse_str(fixture(&name)).unwrap();
        programs.push((name, wasm));
    }
    for entry in std::fs::read_dir(dir.join("wasm")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "wasm") {
            programs.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    programs.sort();
    let mut ran = 0;
    for (name, wasm) in programs.iter().filter(|(_, wasm)| activates(wasm)) {
        for calldata in calldatas() {
            meters.sweep(name, wasm, &calldata, &mut rng);
        }
        ran += 1;
    }
    assert!(ran >= 20, "only {ran} fixtures activated");
}

/// A number from the environment, or its default.
fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The seeds of generated programs: a sample in CI; under `ci/fuzz-meter`, `DIORAMA_METER_CASES`
/// seeds from `DIORAMA_METER_FIRST` (so that the script can split the run between processes).
fn seeds() -> std::ops::RangeInclusive<u64> {
    let first = env_u64("DIORAMA_METER_FIRST", 1);
    first..=first + env_u64("DIORAMA_METER_CASES", 150) - 1
}

#[test]
fn generated_programs_meter_alike_at_every_ink_limit() {
    let meters = Meters::new();
    let mut endings = std::collections::BTreeMap::<String, u64>::new();
    let mut programs = 0u64;
    for seed in seeds() {
        if seed % 500 == 0 {
            eprintln!("{seed} seeds, {programs} programs compared");
        }
        // Every trap unwinds past the frame tables of every module loaded, so keep few.
        if seed % 50 == 0 {
            meters.fast.clear_memory_cache();
            meters.nitro.clear_memory_cache();
        }
        let mut rng = fastrand::Rng::with_seed(seed);
        let wat = crate::fuzz::program(&mut crate::fuzz::Rng(fastrand::Rng::with_seed(seed)));
        let handwritten = wat::parse_str(&wat).unwrap();
        let bytes = crate::smith::entropy(seed);
        let smith = wasm_smith::Module::new(crate::smith::stylus_shaped(), &mut Unstructured::new(&bytes))
            .unwrap_or_else(|e| panic!("seed {seed}: wasm-smith could not build a module: {e}"))
            .to_bytes();
        for (kind, wasm) in [("generated", handwritten), ("wasm-smith", smith)] {
            if !activates(&wasm) {
                continue;
            }
            meters.sweep(&format!("{kind} program of seed {seed}"), &wasm, b"calldata", &mut rng);
            programs += 1;
            let mut hooks = FakeHooks::default();
            let status = meters.fast.execute(&call_wasm(wasm, b"calldata", FULL_INK / INK_PRICE), &mut hooks).status;
            *endings.entry(format!("{kind} {status:?}")).or_default() += 1;
        }
    }
    eprintln!("{programs} programs of seeds {:?} compared; full-budget endings: {endings:#?}", seeds());
    // The sample reaches loops that run out of ink, recursion and traps, not only one ending
    // (a small slice of seeds, as a process of `ci/fuzz-meter` may run, need not reach them all).
    let small_slice = seeds().count() < 100;
    for ending in ["wasm-smith OutOfInk", "wasm-smith Failure", "generated Success", "generated OutOfStack"] {
        assert!(small_slice || endings.contains_key(ending), "no {ending}: {endings:#?}");
    }
}

/// Small programs for each shape the plan treats apart, run at every ink limit (in steps of
/// at most ~1/4,000 of their ink, and one by one around where they stop).
#[test]
fn each_metering_shape_meters_alike_at_every_ink_limit() {
    let imports = r#"(import "vm_hooks" "write_result" (func $write_result (param i32 i32)))"#;
    let shapes = [
        // a trap in a block that ends in an exit `br_if`: its successor is not charged ahead
        (
            "trap before an exit",
            "(block $out (br_if $out (i32.load (i32.add (i32.const 65532) (local.get $n)))) (drop (i32.const 1)))",
        ),
        // a countdown with two exits in a row, a store after them and a `br_if` back edge
        (
            "exits in a row",
            "(local.set $i (i32.add (local.get $n) (i32.const 5)))
            (block $out (loop $top
              (br_if $out (i32.eqz (local.get $i)))
              (br_if $out (i32.eq (local.get $i) (i32.const 1000)))
              (i32.store (i32.const 0) (local.get $i))
              (local.set $i (i32.sub (local.get $i) (i32.const 1)))
              (br_if $top (i32.const 7))))",
        ),
        // an unconditional back edge, and an exit that carries no value into a block with results
        (
            "plain br back edge",
            "(local.set $i (i32.const 40))
            (drop (block $r (result i32) (loop $top
              (br_if $r (i32.const 3) (i32.eqz (local.get $i)))
              (local.set $i (i32.sub (local.get $i) (i32.const 1)))
              (br $top))
              (i32.const 9)))",
        ),
        // a loop whose back edge is a br_table: checked at its head
        (
            "br_table back edge",
            "(local.set $i (i32.const 30))
            (block $out (loop $top
              (local.set $i (i32.sub (local.get $i) (i32.const 1)))
              (br_table $top $out (i32.eqz (local.get $i)))))",
        ),
        // a loop with a parameter: checked at its head
        (
            "loop with params",
            "i32.const 25
            loop $top (param i32) (result i32)
              i32.const 1
              i32.sub
              local.tee $i
              local.get $i
              br_if $top
            end
            drop",
        ),
        // a trap inside a loop, after its exits
        (
            "trap in a loop",
            "(local.set $i (i32.const 20))
            (block $out (loop $top
              (br_if $out (i32.eqz (local.get $i)))
              (local.set $i (i32.sub (local.get $i) (i32.const 1)))
              (drop (i32.div_u (i32.const 1) (i32.sub (local.get $i) (i32.const 3))))
              (br $top)))",
        ),
        // a hostio after exits: its block is checked
        (
            "hostio after exits",
            "(block $out (br_if $out (local.get $n)) (call $write_result (i32.const 0) (i32.const 4)))",
        ),
    ];
    let meters = Meters::new();
    for (name, body) in shapes {
        let wat = format!(
            r#"(module {imports}
                 (memory (export "memory") 1 1)
                 (func $id (param i32) (result i32) (local.get 0))
                 (func (export "user_entrypoint") (param $n i32) (result i32) (local $i i32)
                   {body}
                   i32.const 0))"#
        );
        let wasm = wat::parse_str(&wat).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Err(e) = activate_wasm(&wasm, keccak256(&wasm), &StylusParams::default()) {
            panic!("{name} does not activate: {e}");
        }
        for calldata in [&[][..], &[1, 2]] {
            let mut hooks = FakeHooks::default();
            let full = meters.nitro.execute(&call_wasm(wasm.clone(), calldata, FULL_INK / INK_PRICE), &mut hooks);
            eprintln!("{name} ({} bytes): {:?} {:?}", calldata.len(), full.status, full.detail);
            let used = meters.compare(name, &wasm, calldata, FULL_INK);
            let step = ((used + 3_000) / 4_000).max(1);
            let coarse = (0..=used + 3_000).step_by(step as usize);
            let fine = used.saturating_sub(3_000)..=used + 3_000;
            for ink in coarse.chain(fine) {
                meters.compare(name, &wasm, calldata, ink);
            }
        }
    }
}

/// An ink limit above `i64::MAX` cannot be read as signed: such frames run the module metered
/// before every block, with the same figures.
#[test]
fn ink_limits_above_i64_max_meter_alike() {
    let meters = Meters::new();
    let wasm = wat::parse_str(fixture("ink-loop")).unwrap();
    for ink in [i64::MAX as u64, i64::MAX as u64 + 1, u64::MAX] {
        meters.compare("ink-loop", &wasm, &[0; 8], ink);
    }
    let mut call = call_wasm(wasm, &[0; 8], u64::MAX / INK_PRICE);
    call.ink_limit = u64::MAX;
    let outcome = meters.fast.execute(&call, &mut FakeHooks::default());
    assert_eq!(outcome.status, StylusStatus::Success, "{:?}", outcome.detail);
}
