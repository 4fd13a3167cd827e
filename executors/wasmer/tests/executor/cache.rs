//! The module cache: memory hits, disk hits across executors, no stale files.

use std::path::PathBuf;

use executor_wasmer::{CacheOptions, WasmerExecutor};
use world_mock::revm::primitives::B256;
use world_mock::stylus::{StylusExecutor, StylusStatus};

use crate::common::{FakeHooks, GAS, call, module};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("diorama-wasmer-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn second_run_is_a_memory_hit_and_a_fresh_executor_deserializes() {
    let dir = temp_dir("cache");
    let mut frame = call(&module("", "i32.const 0"), &[], GAS);
    frame.program.module_hash = B256::repeat_byte(0x42);

    let first = WasmerExecutor::new(CacheOptions::with_dir(&dir));
    for _ in 0..2 {
        assert_eq!(first.execute(&frame, &mut FakeHooks::default()).status, StylusStatus::Success);
    }
    let stats = first.stats();
    assert_eq!((stats.compiles, stats.memory_hits, stats.disk_writes, stats.disk_hits), (1, 1, 1, 0));

    let second = WasmerExecutor::new(CacheOptions::with_dir(&dir));
    let outcome = second.execute(&frame, &mut FakeHooks::default());
    assert_eq!(outcome.status, StylusStatus::Success);
    assert_eq!(outcome.ink_used, Some(2_452), "a deserialized module is still metered");
    let stats = second.stats();
    assert_eq!((stats.compiles, stats.disk_hits, stats.misses()), (0, 1, 1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn foreign_files_are_not_loaded() {
    let dir = temp_dir("foreign");
    let mut frame = call(&module("", "i32.const 0"), &[], GAS);
    frame.program.module_hash = B256::repeat_byte(0x43);
    let executor = WasmerExecutor::new(CacheOptions::with_dir(&dir));
    executor.execute(&frame, &mut FakeHooks::default());
    for entry in std::fs::read_dir(&dir).unwrap() {
        std::fs::write(entry.unwrap().path(), b"not a module").unwrap();
    }
    let fresh = WasmerExecutor::new(CacheOptions::with_dir(&dir));
    assert_eq!(fresh.execute(&frame, &mut FakeHooks::default()).status, StylusStatus::Success);
    let stats = fresh.stats();
    assert_eq!((stats.disk_errors, stats.compiles, stats.disk_hits), (1, 1, 0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn memory_only_cache_keys_by_module_hash() {
    let executor = WasmerExecutor::new(CacheOptions::memory_only());
    let a = module("", "i32.const 0");
    let b = module("", "i32.const 1");
    for wat in [&a, &b, &a] {
        executor.execute(&call(wat, &[], GAS), &mut FakeHooks::default());
    }
    let stats = executor.stats();
    assert_eq!((stats.compiles, stats.memory_hits), (2, 1));
}

#[test]
fn threads_needing_one_damaged_file_report_and_recompile_it_once() {
    let dir = temp_dir("shared-damage");
    let mut frame = call(&module("", "i32.const 0"), &[], GAS);
    frame.program.module_hash = B256::repeat_byte(0x44);
    WasmerExecutor::new(CacheOptions::with_dir(&dir)).execute(&frame, &mut FakeHooks::default());
    for entry in std::fs::read_dir(&dir).unwrap() {
        std::fs::write(entry.unwrap().path(), b"not a module").unwrap();
    }
    const THREADS: usize = 8;
    let start = std::sync::Barrier::new(THREADS);
    let stats: Vec<_> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..THREADS)
            .map(|_| {
                scope.spawn(|| {
                    let executor = WasmerExecutor::new(CacheOptions::with_dir(&dir));
                    start.wait();
                    assert_eq!(executor.execute(&frame, &mut FakeHooks::default()).status, StylusStatus::Success);
                    executor.stats()
                })
            })
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });
    let total = |count: fn(&executor_wasmer::CacheStats) -> u64| stats.iter().map(count).sum::<u64>();
    assert_eq!(total(|s| s.disk_errors), 1, "the damaged file is reported once");
    assert_eq!(total(|s| s.compiles), 1, "and recompiled once");
    assert_eq!(total(|s| s.disk_hits), THREADS as u64 - 1, "the others read the rewritten file");
    let _ = std::fs::remove_dir_all(&dir);
}
