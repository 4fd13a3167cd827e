//! What traces and ink profiles cost: the bundled fixture suite's wall time with everything off,
//! with call trees of every step (`--trace=all`), with hostio records (`--trace=all,hostio`) and
//! with ink profiles (`--ink-profile`), in one run, as ratios to "off" (machines are noisy).
//! "Off" runs revm's plain `transact` path (no inspector) and unprofiled modules, the code a
//! build without these features would run; its cost per hostio is one branch.
//!
//! Run with `cargo bench -p diorama-runner --bench tracing` (the first round builds the
//! `contract:` modules and their named twins, and is not counted).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use diorama::executors::ExecutorChoice;
use diorama::suite::{RunOptions, run_paths};
use world_mock::TraceLevel;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROUNDS: usize = 5;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
}

fn configurations() -> Vec<(&'static str, RunOptions)> {
    let base = RunOptions { executor: ExecutorChoice::Wasmer, jobs: 1, keep_going: true, ..RunOptions::default() };
    let trace = |hostios| TraceLevel { calls: true, hostios, profile: false };
    vec![
        ("off", base.clone()),
        ("--trace=all", RunOptions { trace: trace(false), trace_all_steps: true, ..base.clone() }),
        ("--trace=all,hostio", RunOptions { trace: trace(true), trace_all_steps: true, ..base.clone() }),
        ("--ink-profile", RunOptions { ink_profile: true, ..base }),
    ]
}

fn main() {
    std::env::set_current_dir(root()).unwrap();
    let paths = [PathBuf::from("fixtures/scenarios"), PathBuf::from("fixtures/profiles")];
    let configurations = configurations();
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); configurations.len()];
    for round in 0..=ROUNDS {
        for (index, (name, options)) in configurations.iter().enumerate() {
            let start = Instant::now();
            let report = run_paths(&paths, options).expect("the suite runs");
            let elapsed = start.elapsed();
            assert_eq!(report.exit_code(), 0, "{name}: the fixtures pass");
            if round > 0 {
                times[index].push(elapsed);
            }
        }
    }
    let median = |t: &mut Vec<Duration>| {
        t.sort();
        t[t.len() / 2]
    };
    let off = median(&mut times[0].clone());
    println!("fixture suite (fixtures/scenarios + fixtures/profiles, wasmer, 1 thread), median of {ROUNDS}:");
    for ((name, _), times) in configurations.iter().zip(&mut times) {
        let time = median(times);
        println!(
            "  {name:<20} {:>8.1} ms  {:.2}x off",
            time.as_secs_f64() * 1e3,
            time.as_secs_f64() / off.as_secs_f64()
        );
    }
}
