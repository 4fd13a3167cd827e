//! `router`: Stylus-to-Stylus calls through the SDK's generated clients (`sol_interface!`), and a
//! raw-call router that forwards any calldata.
//!
//!   bump(address counter)(uint256)              counter.increment() then counter.number(), both
//!                                               through the generated `ICounter` client
//!   bumpTwice(address counter)(uint256)         two increments in one call
//!   forward(address target, bytes data)(bytes)  raw CALL with `data`; returns the callee's
//!                                               output, reverts with its revert data
//!   peek(address target, bytes data)(bytes)     raw STATICCALL
//!   forwards()(uint256)                         how many `forward` calls succeeded
//!
//! Storage: slot 0 forwards.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::vec::Vec;
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, U256},
    call::RawCall,
    prelude::*,
};

sol_interface! {
    interface ICounter {
        function number() external view returns (uint256);
        function increment() external;
    }
}

sol_storage! {
    #[entrypoint]
    pub struct Router {
        uint256 forwards;
    }
}

#[public]
impl Router {
    /// Increments a counter program and returns its new number.
    pub fn bump(&mut self, counter: Address) -> Result<U256, Vec<u8>> {
        let client = ICounter::new(counter);
        let ctx = Call::new_mutating(self);
        client.increment(self.vm(), ctx)?;
        Ok(client.number(self.vm(), Call::new())?)
    }

    /// Increments a counter program twice in one call.
    pub fn bump_twice(&mut self, counter: Address) -> Result<U256, Vec<u8>> {
        self.bump(counter)?;
        self.bump(counter)
    }

    /// Calls `target` with `data`; returns its output or reverts with its revert data.
    pub fn forward(&mut self, target: Address, data: Bytes) -> Result<Bytes, Vec<u8>> {
        // SAFETY: `flush_storage_cache` writes and clears the storage cache before the call, so a
        // re-entrant callee sees (and may change) current storage, read afresh afterwards.
        let output = unsafe { RawCall::new(self.vm()).flush_storage_cache().call(target, &data) }?;
        let forwards = self.forwards.get();
        self.forwards.set(forwards + U256::from(1));
        Ok(output.into())
    }

    /// STATICCALLs `target` with `data`.
    pub fn peek(&self, target: Address, data: Bytes) -> Result<Bytes, Vec<u8>> {
        // SAFETY: a static call cannot write this contract's storage.
        let output = unsafe { RawCall::new_static(self.vm()).call(target, &data) }?;
        Ok(output.into())
    }

    /// How many `forward` calls succeeded.
    pub fn forwards(&self) -> U256 {
        self.forwards.get()
    }
}
