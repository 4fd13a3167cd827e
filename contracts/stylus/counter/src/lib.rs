//! `counter`: the stylus-sdk template counter plus a cross-contract read.
//!
//! ABI (Solidity-equivalent):
//!   number() returns (uint256)
//!   setNumber(uint256)
//!   increment()
//!   addFrom(address other)      number += ICounter(other).number()  (static call)
//!
//! Storage: slot 0 = uint256 number.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use stylus_sdk::{
    alloy_primitives::{Address, U256},
    prelude::*,
};

sol_interface! {
    interface ICounter {
        function number() external view returns (uint256);
    }
}

sol_storage! {
    #[entrypoint]
    pub struct Counter {
        uint256 number;
    }
}

#[public]
impl Counter {
    /// Returns the stored number.
    pub fn number(&self) -> U256 {
        self.number.get()
    }

    /// Stores `new_number`.
    pub fn set_number(&mut self, new_number: U256) {
        self.number.set(new_number);
    }

    /// Adds 1 (wrapping, like the SDK template).
    pub fn increment(&mut self) {
        let number = self.number.get();
        self.number.set(number.wrapping_add(U256::from(1)));
    }

    /// Adds `other.number()` (read with a STATICCALL) to the stored number.
    /// Reverts with the callee's revert data if the call fails.
    pub fn add_from(&mut self, other: Address) -> Result<(), Vec<u8>> {
        let theirs = ICounter::new(other).number(self.vm(), Call::new())?;
        let number = self.number.get();
        self.number.set(number.wrapping_add(theirs));
        Ok(())
    }
}
