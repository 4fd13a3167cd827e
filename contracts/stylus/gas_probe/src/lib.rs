//! `gas_probe`: returns what the executor says is left of the frame's gas and ink. On chain (and
//! on the metered Wasmer executor) every opcode costs ink; natively (the debugger executor) only
//! hostios do, so the two executors legitimately disagree: this is the parity report's fixture.
//!
//!   gasLeft()(uint64)    evm_gas_left()
//!   inkLeft()(uint64)    evm_ink_left()
//!   double(uint64 x)(uint64)   2x (agrees everywhere)
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use stylus_sdk::prelude::*;

#[storage]
#[entrypoint]
pub struct GasProbe {}

#[public]
impl GasProbe {
    /// The gas left, as the executor reports it.
    pub fn gas_left(&self) -> u64 {
        self.vm().evm_gas_left()
    }

    /// The ink left, as the executor reports it.
    pub fn ink_left(&self) -> u64 {
        self.vm().evm_ink_left()
    }

    /// `2 * x`, wrapping.
    pub fn double(&self, x: u64) -> u64 {
        x.wrapping_mul(2)
    }
}
