//! What instrumentation and the module cache cost: metered vs unmetered execution of compute
//! loops (a sieve and an integer hash mix), and cold vs warm module loading (compile,
//! deserialize from disk, in-memory hit). Run with `cargo bench -p diorama-executor-wasmer`
//! (or `--profile dev` for a quick look); prints a table, no external harness.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use executor_wasmer::{CacheOptions, WasmerExecutor, compile_stats};
use world_mock::revm::primitives::{Address, B256, Bytes, U256};
use world_mock::stylus::{
    CallKind, FrameEnv, HookError, ProgramInfo, StylusCall, StylusExecutor, StylusParams, StylusStatus, SubCallResult,
    VmHooks,
};

/// Sieve of Eratosthenes over the first `len × 64` numbers (one byte per number).
const SIEVE: &str = r#"(module
  (memory (export "memory") 128 128)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $n i32) (local $i i32) (local $j i32) (local $count i32)
    (local.set $n (i32.mul (local.get $len) (i32.const 64)))
    (local.set $i (i32.const 2))
    (block $done (loop $outer
      (br_if $done (i32.gt_u (i32.mul (local.get $i) (local.get $i)) (local.get $n)))
      (if (i32.eqz (i32.load8_u (local.get $i))) (then
        (local.set $j (i32.mul (local.get $i) (local.get $i)))
        (block $stop (loop $inner
          (br_if $stop (i32.gt_u (local.get $j) (local.get $n)))
          (i32.store8 (local.get $j) (i32.const 1))
          (local.set $j (i32.add (local.get $j) (local.get $i)))
          (br $inner)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $outer)))
    (local.set $i (i32.const 2))
    (block $done (loop $count_loop
      (br_if $done (i32.gt_u (local.get $i) (local.get $n)))
      (local.set $count (i32.add (local.get $count) (i32.eqz (i32.load8_u (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $count_loop)))
    (i32.ne (local.get $count) (i32.const 0))
    i32.eqz))"#;

/// A 64-bit multiply-xorshift mix, `len × 20,000` rounds: long basic blocks of arithmetic.
const MIX: &str = r#"(module
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $x i64) (local $k i32)
    (local.set $x (i64.const 0x9e3779b97f4a7c15))
    (local.set $k (i32.mul (local.get $len) (i32.const 20000)))
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $k)))
      (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 30))))
      (local.set $x (i64.mul (local.get $x) (i64.const 0xbf58476d1ce4e5b9)))
      (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 27))))
      (local.set $x (i64.mul (local.get $x) (i64.const 0x94d049bb133111eb)))
      (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 31))))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (br $l)))
    (i64.eqz (local.get $x))))"#;

/// Hooks for programs that make no hostio calls.
struct NoHooks;

impl VmHooks for NoHooks {
    fn storage_load(&mut self, _: B256, _: u64, _: u64) -> Result<(B256, u64), HookError> {
        Ok((B256::ZERO, 0))
    }
    fn storage_cache(&mut self, _: B256, _: B256, _: u64) -> Result<u64, HookError> {
        Ok(0)
    }
    fn storage_flush(&mut self, _: bool, _: u64) -> Result<u64, HookError> {
        Ok(0)
    }
    fn transient_load(&mut self, _: B256) -> Result<(B256, u64), HookError> {
        Ok((B256::ZERO, 0))
    }
    fn transient_store(&mut self, _: B256, _: B256) -> Result<u64, HookError> {
        Ok(0)
    }
    fn emit_log(&mut self, _: Vec<B256>, _: Bytes, _: u64) -> Result<u64, HookError> {
        Ok(0)
    }
    fn account_balance(&mut self, _: Address, _: u64) -> Result<(U256, u64), HookError> {
        Ok((U256::ZERO, 0))
    }
    fn account_code(&mut self, _: Address, _: u64) -> Result<(Bytes, u64), HookError> {
        Ok((Bytes::new(), 0))
    }
    fn account_codehash(&mut self, _: Address, _: u64) -> Result<(B256, u64), HookError> {
        Ok((B256::ZERO, 0))
    }
    fn call(&mut self, _: CallKind, _: Address, _: Bytes, _: U256, _: u64, _: u64) -> Result<SubCallResult, HookError> {
        Err(HookError::failure("no calls in benchmarks"))
    }
    fn create(&mut self, _: Bytes, _: U256, _: Option<B256>, _: u64) -> Result<SubCallResult, HookError> {
        Err(HookError::failure("no creates in benchmarks"))
    }
    fn return_data(&self) -> &[u8] {
        &[]
    }
    fn msg_reentrant(&self) -> bool {
        false
    }
    fn env(&self) -> FrameEnv {
        FrameEnv {
            basefee: U256::ZERO,
            coinbase: Address::ZERO,
            gas_limit: 0,
            number: 0,
            timestamp: 0,
            chain_id: 0,
            origin: Address::ZERO,
            gas_price: U256::ZERO,
            ink_price: 10_000,
            arbos_version: 50,
        }
    }
    fn add_pages(&mut self, _: u16) -> u64 {
        0
    }
}

fn frame(wasm: &[u8], len: usize, hash: u8) -> StylusCall {
    let gas = 1_000_000_000;
    StylusCall {
        code: Bytes::new(),
        code_address: Address::ZERO,
        contract: Address::ZERO,
        caller: Address::ZERO,
        value: U256::ZERO,
        calldata: Bytes::from(vec![0; len]),
        gas_limit: gas,
        is_static: false,
        depth: 1,
        wasm: Arc::new(wasm.to_vec()),
        program: ProgramInfo { module_hash: B256::repeat_byte(hash), ..ProgramInfo::default() },
        ink_limit: gas * 10_000,
        params: StylusParams::default(),
    }
}

/// Median wall time of `runs` executions.
fn median(executor: &WasmerExecutor, call: &StylusCall, runs: usize) -> (Duration, Option<u64>) {
    let mut times = Vec::with_capacity(runs);
    let mut ink = None;
    for _ in 0..runs {
        let start = Instant::now();
        let outcome = executor.execute(black_box(call), &mut NoHooks);
        times.push(start.elapsed());
        assert_eq!(outcome.status, StylusStatus::Success, "{:?}", outcome.detail);
        ink = outcome.ink_used;
    }
    times.sort();
    (times[runs / 2], ink)
}

fn metering(name: &str, wat: &str, len: usize) {
    let wasm = wat::parse_str(wat).expect("benchmark WAT parses");
    let metered = WasmerExecutor::new(CacheOptions::memory_only());
    let unmetered = WasmerExecutor::unmetered(CacheOptions::memory_only());
    let every_block = WasmerExecutor::every_block(CacheOptions::memory_only());
    let call = frame(&wasm, len, 1);
    let (with, ink) = median(&metered, &call, 15);
    let (nitro, nitro_ink) = median(&every_block, &call, 15);
    let (without, _) = median(&unmetered, &call, 15);
    assert_eq!(ink, nitro_ink, "both meters charge the same ink");
    let ratio = with.as_secs_f64() / without.as_secs_f64();
    let nitro_ratio = nitro.as_secs_f64() / without.as_secs_f64();
    let ink = ink.unwrap_or_default();
    println!(
        "{name:<6} metered {with:>10.2?} ({ratio:.2}x)  every block {nitro:>10.2?} ({nitro_ratio:.2}x)  unmetered {without:>10.2?}  ({ink} ink)"
    );
}

fn caching(wat: &str) {
    let wasm = wat::parse_str(wat).expect("benchmark WAT parses");
    let dir = std::env::temp_dir().join(format!("diorama-wasmer-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let time = |executor: &WasmerExecutor| {
        let start = Instant::now();
        executor.module(B256::repeat_byte(7), &wasm).expect("compiles");
        start.elapsed()
    };
    let cold = WasmerExecutor::new(CacheOptions::with_dir(&dir));
    let compile = time(&cold);
    let hit = time(&cold);
    let disk = time(&WasmerExecutor::new(CacheOptions::with_dir(&dir)));
    println!("cache  compile+store {compile:>10.2?}  disk (deserialize) {disk:>10.2?}  memory hit {hit:>10.2?}");
    let _ = std::fs::remove_dir_all(&dir);
    if let Ok(stats) = compile_stats(&wasm) {
        println!("       compile_stats: {stats:?}");
    }
}

/// Fixed cost of a frame: store, 42 host functions, instance, globals, entrypoint call.
fn overhead() {
    let wasm = wat::parse_str(
        r#"(module (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    )
    .expect("benchmark WAT parses");
    let executor = WasmerExecutor::new(CacheOptions::memory_only());
    let (time, _) = median(&executor, &frame(&wasm, 0, 2), 201);
    println!("frame  empty program {time:>10.2?} per frame (cached module)");
    println!("BENCH stylus.empty_frame_us={:.2}", time.as_secs_f64() * 1e6);
}

fn main() {
    overhead();
    metering("sieve", SIEVE, 2_000);
    metering("mix", MIX, 50);
    caching(SIEVE);
}
