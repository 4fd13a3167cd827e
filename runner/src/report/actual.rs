//! What a failing step actually produced, kept beside its mismatches so `diorama bless` can
//! write the actual values back into the scenario. Captured only for steps with mismatches.

use std::collections::BTreeMap;

use alloy_primitives::{Address, Bytes, Log, U256};
use world_mock::stylus::ProgramInfo;

/// The actual values of a failing step.
#[derive(Clone, Debug, Default)]
pub struct Actual {
    /// A transaction step's outcome.
    pub tx: Option<TxActual>,
    /// A `checkState` step's listed accounts, by address.
    pub accounts: BTreeMap<Address, AccountActual>,
}

/// A transaction's outcome, as far as expectations check it.
#[derive(Clone, Debug)]
pub struct TxActual {
    /// `success`, `revert`, …
    pub status: String,
    /// Return or revert data.
    pub output: Bytes,
    /// Logs in order.
    pub logs: Vec<Log>,
    /// The created contract, for deploys.
    pub created: Option<Address>,
    /// Gas used.
    pub gas_used: u64,
    /// Ink used, when metered.
    pub ink_used: Option<u64>,
    /// The activation record of the program an `activate` step (or a deploy with `activate`)
    /// activated.
    pub program: Option<ProgramInfo>,
}

/// One account's state, as `checkState` compares it.
#[derive(Clone, Debug, Default)]
pub struct AccountActual {
    /// Balance.
    pub balance: U256,
    /// Nonce.
    pub nonce: u64,
    /// Non-zero storage slots.
    pub storage: BTreeMap<U256, U256>,
    /// The activation record of its code, if activated.
    pub program: Option<ProgramInfo>,
}
