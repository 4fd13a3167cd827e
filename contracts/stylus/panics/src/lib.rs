//! `panics`: a contract whose functions panic in the ways Rust code does, and one that works,
//! so that a scenario sees each panic end its call with `failure` (WASM: a trap; native: the
//! panic message) and the later calls run on untouched state.
//!
//!   explicitPanic()                       panic!("the contract gave up")
//!   indexOutOfBounds(uint256 i)(uint256)  [10, 20, 30][i]
//!   divide(uint64 a, uint64 b)(uint64)    a / b (integer division by zero panics)
//!   unwrapNone()(uint256)                 None::<U256>.unwrap()
//!   record(uint256 value)                 stores value, then returns
//!   recordThenPanic(uint256 value)        stores value, then panics (the write is discarded)
//!   recorded()(uint256)                   the stored value
//!
//! Storage: slot 0 = uint256 recorded.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::vec;
use stylus_sdk::{alloy_primitives::U256, prelude::*};

sol_storage! {
    #[entrypoint]
    pub struct Panics {
        uint256 recorded;
    }
}

#[public]
impl Panics {
    /// Panics with a message.
    pub fn explicit_panic(&self) {
        panic!("the contract gave up");
    }

    /// Indexes a three-element vector.
    pub fn index_out_of_bounds(&self, i: U256) -> U256 {
        let values = vec![U256::from(10), U256::from(20), U256::from(30)];
        let index = usize::try_from(i).unwrap_or(usize::MAX);
        values[index]
    }

    /// Integer division.
    pub fn divide(&self, a: u64, b: u64) -> u64 {
        a / b
    }

    /// Unwraps a `None`.
    pub fn unwrap_none(&self) -> U256 {
        let nothing: Option<U256> = None;
        nothing.unwrap()
    }

    /// Stores `value`.
    pub fn record(&mut self, value: U256) {
        self.recorded.set(value);
    }

    /// Stores `value`, then panics: the frame fails, so the write never reaches state.
    pub fn record_then_panic(&mut self, value: U256) {
        self.recorded.set(value);
        panic!("recorded {value}, then panicked");
    }

    /// The stored value.
    pub fn recorded(&self) -> U256 {
        self.recorded.get()
    }
}
