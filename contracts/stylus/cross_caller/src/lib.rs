//! `cross_caller`: a Stylus contract that calls Solidity contracts and is called back by them.
//!
//! Built with the SDK feature `reentrant` (the `ping` → `Caller.forward` → `pong` round trip
//! re-enters this contract; without the feature the SDK entrypoint would revert it).
//!
//! Peers are the Solidity fixtures in `contracts/solidity/Caller.sol`:
//! `Counter` (`count()`, `increment()(uint256)`, `incrementBy(uint256)(uint256)`) and
//! `Caller` (`forward(address,bytes)(bytes)`, `callGet(address)(uint256)`).
//!
//! Storage: slot 0 `uint256 value`, slot 1 `uint256 pongs`, slot 2 `uint256 lastCount`.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::vec::Vec;
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    alloy_sol_types::{sol, SolCall},
    prelude::*,
};

sol_interface! {
    interface ICounter {
        function count() external view returns (uint256);
        function increment() external returns (uint256);
        function incrementBy(uint256 by) external returns (uint256);
    }
    interface ICaller {
        function forward(address target, bytes calldata data) external payable returns (bytes memory);
    }
}

sol! {
    /// Selector helper for the callback made through `Caller.forward`.
    function pong() external returns (uint256);

    /// Raised by `callAndRevert` after the nested call succeeded.
    error RolledBack(uint256 countSeen);
}

#[derive(SolidityError)]
pub enum CrossError {
    RolledBack(RolledBack),
}

sol_storage! {
    #[entrypoint]
    pub struct CrossCaller {
        uint256 value;       // slot 0
        uint256 pongs;       // slot 1
        uint256 last_count;  // slot 2
    }
}

#[public]
impl CrossCaller {
    /// `value()(uint256)`: what `Caller.callGet(address)` reads.
    pub fn value(&self) -> U256 {
        self.value.get()
    }

    /// `setValue(uint256)`.
    pub fn set_value(&mut self, v: U256) {
        self.value.set(v);
    }

    /// `pongs()(uint256)`: how many times `pong()` ran (and was not rolled back).
    pub fn pongs(&self) -> U256 {
        self.pongs.get()
    }

    /// `lastCount()(uint256)`: the Counter's count returned by the last `callCounter`/`callCounterBy`.
    pub fn last_count(&self) -> U256 {
        self.last_count.get()
    }

    /// `callCounter(address counter)(uint256)`: `counter.increment()`; stores and returns the
    /// new count. Reverts with the callee's revert data if the call fails.
    pub fn call_counter(&mut self, counter: Address) -> Result<U256, Vec<u8>> {
        let ctx = Call::new_mutating(self);
        let count = ICounter::new(counter).increment(self.vm(), ctx)?;
        self.last_count.set(count);
        Ok(count)
    }

    /// `callCounterBy(address counter, uint256 by)(uint256)`: `counter.incrementBy(by)`; stores
    /// and returns the new count.
    pub fn call_counter_by(&mut self, counter: Address, by: U256) -> Result<U256, Vec<u8>> {
        let ctx = Call::new_mutating(self);
        let count = ICounter::new(counter).increment_by(self.vm(), ctx, by)?;
        self.last_count.set(count);
        Ok(count)
    }

    /// `readCounter(address counter)(uint256)`: `counter.count()` through a STATICCALL.
    pub fn read_counter(&self, counter: Address) -> Result<U256, Vec<u8>> {
        Ok(ICounter::new(counter).count(self.vm(), Call::new())?)
    }

    /// `ping(address solidityCaller)(uint256)`: calls
    /// `solidityCaller.forward(address(this), abi.encodeCall(pong, ()))`, so the Solidity
    /// contract calls back `pong()` on this contract (a re-entry). Returns `pongs` read from
    /// storage AFTER the round trip, i.e. the value the nested frame wrote (the SDK flushes and
    /// clears the storage cache before the call).
    pub fn ping(&mut self, solidity_caller: Address) -> Result<U256, Vec<u8>> {
        let this = self.vm().contract_address();
        let data = pongCall {}.abi_encode();
        let ctx = Call::new_mutating(self);
        ICaller::new(solidity_caller).forward(self.vm(), ctx, this, data.into())?;
        Ok(self.pongs.get())
    }

    /// `pong()(uint256)`: `pongs += 1`; returns the new value.
    pub fn pong(&mut self) -> U256 {
        let n = self.pongs.get() + U256::from(1);
        self.pongs.set(n);
        n
    }

    /// `callAndRevert(address counter)`: `value += 1`, then `counter.increment()` (succeeds), then
    /// reverts with `RolledBack(countSeen)`. Every write — this contract's and the Counter's —
    /// and the Counter's `Incremented` log must be rolled back.
    pub fn call_and_revert(&mut self, counter: Address) -> Result<(), Vec<u8>> {
        let v = self.value.get();
        self.value.set(v + U256::from(1));
        let ctx = Call::new_mutating(self);
        let count = ICounter::new(counter).increment(self.vm(), ctx)?;
        Err(CrossError::RolledBack(RolledBack { countSeen: count }).into())
    }
}
