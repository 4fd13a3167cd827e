//! `reentrancy_probe`: reports the `msg_reentrant` hostio and re-enters itself.
//!
//! Built with the SDK feature `reentrant`, so the generated `user_entrypoint` does NOT return 1
//! when `msg_reentrant()` is true and re-entry reaches the methods below.
//! (Contracts built without the feature — counter, erc20, storage_heavy, compute — revert with
//! empty data when re-entered: e.g. `counter.addFrom(counter)`.)
//!
//! Storage: slot 0 `uint256 entries` (successful `reenter()` calls),
//! slot 1 `uint256 outerSeen` (0/1: `msg_reentrant` seen by the last `enter*`),
//! slot 2 `uint256 innerSeen` (0/1: `msg_reentrant` seen by the last `reenter()`).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::vec::Vec;
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    alloy_sol_types::{sol, SolCall},
    prelude::*,
};

sol_interface! {
    interface IProbe {
        function reenter() external returns (bool);
    }
    interface ICaller {
        function forward(address target, bytes calldata data) external payable returns (bytes memory);
    }
}

sol! {
    function reenter() external returns (bool);
}

sol_storage! {
    #[entrypoint]
    pub struct ReentrancyProbe {
        uint256 entries;     // slot 0
        uint256 outer_seen;  // slot 1
        uint256 inner_seen;  // slot 2
    }
}

fn flag(b: bool) -> U256 {
    U256::from(b as u8)
}

#[public]
impl ReentrancyProbe {
    /// `reentrant()(bool)`: the `msg_reentrant` hostio for this frame.
    pub fn reentrant(&self) -> bool {
        self.vm().msg_reentrant()
    }

    /// `reenter()(bool)`: `entries += 1`, `innerSeen = msg_reentrant`; returns the flag.
    pub fn reenter(&mut self) -> bool {
        let r = self.vm().msg_reentrant();
        let n = self.entries.get() + U256::from(1);
        self.entries.set(n);
        self.inner_seen.set(flag(r));
        r
    }

    /// `enter(address via)(bool)`: records `outerSeen = msg_reentrant` (false when called from
    /// an EOA), then calls `via.forward(address(this), abi.encodeCall(reenter, ()))` (the
    /// Solidity `Caller`), which re-enters `reenter()`. Returns `innerSeen` as read from storage
    /// after the round trip (true: the nested frame saw itself re-entered).
    pub fn enter(&mut self, via: Address) -> Result<bool, Vec<u8>> {
        let outer = self.vm().msg_reentrant();
        self.outer_seen.set(flag(outer));
        let this = self.vm().contract_address();
        let data = reenterCall {}.abi_encode();
        let ctx = Call::new_mutating(self);
        ICaller::new(via).forward(self.vm(), ctx, this, data.into())?;
        Ok(self.inner_seen.get() != U256::ZERO)
    }

    /// `enterDirect()(bool)`: like `enter` but calls `reenter()` on itself directly
    /// (Stylus → same Stylus program, no EVM frame in between). Returns the nested frame's flag.
    pub fn enter_direct(&mut self) -> Result<bool, Vec<u8>> {
        let outer = self.vm().msg_reentrant();
        self.outer_seen.set(flag(outer));
        let this = self.vm().contract_address();
        let ctx = Call::new_mutating(self);
        let inner = IProbe::new(this).reenter(self.vm(), ctx)?;
        Ok(inner)
    }

    /// `entries()(uint256)`.
    pub fn entries(&self) -> U256 {
        self.entries.get()
    }

    /// `outerSeen()(bool)`.
    pub fn outer_seen(&self) -> bool {
        self.outer_seen.get() != U256::ZERO
    }

    /// `innerSeen()(bool)`.
    pub fn inner_seen(&self) -> bool {
        self.inner_seen.get() != U256::ZERO
    }
}
