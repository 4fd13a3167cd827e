//! `hazards`: a contract whose functions do what WASM metering stops and native code cannot be
//! stopped from doing, for diorama's `--isolate` and `--timeout` (issue 13). On the Wasmer
//! executor each ends its call deterministically; on the debugger executor (the contract's own
//! Rust code, in the diorama process) each would take the process with it.
//!
//!   abort()                 std::process::abort()   WASM: a trap (failure); native: SIGABRT
//!   spin()                  an endless loop         WASM: out of ink; native: never returns
//!   recurse(uint64 n)(uint64)  unbounded recursion  WASM: the Rust stack in linear memory runs
//!                                                   out (failure); native: stack overflow
//!   ping()(uint64)          returns 7               a call that works
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use core::hint::black_box;
use stylus_sdk::prelude::*;

sol_storage! {
    #[entrypoint]
    pub struct Hazards {
        uint256 unused;
    }
}

/// Calls itself until `n` wraps around (2^64 calls: never); `black_box` keeps each frame (no
/// tail call, no folding).
#[inline(never)]
fn deeper(n: u64) -> u64 {
    if n == u64::MAX {
        return 0;
    }
    let below = deeper(black_box(n.wrapping_add(1)));
    black_box(below).wrapping_add(n)
}

#[public]
impl Hazards {
    /// Ends the process natively; traps in WASM.
    pub fn abort(&self) {
        std::process::abort();
    }

    /// Never returns.
    pub fn spin(&self) {
        let mut turns = 0u64;
        loop {
            turns = black_box(turns.wrapping_add(1));
        }
    }

    /// Never returns either: each call recurses once more.
    pub fn recurse(&self, n: u64) -> u64 {
        deeper(n)
    }

    /// A call that works.
    pub fn ping(&self) -> u64 {
        7
    }
}
