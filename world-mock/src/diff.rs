//! Per-transaction state diff: what each touched account looked like before and after.

use std::collections::BTreeMap;

use revm::primitives::{Address, B256, U256};
use revm::state::EvmState;

use crate::state::WorldState;

/// A before/after pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change<T> {
    /// Value before the transaction.
    pub before: T,
    /// Value after the transaction.
    pub after: T,
}

/// How one account changed. Fields that did not change are `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountDiff {
    /// Balance change.
    pub balance: Option<Change<U256>>,
    /// Nonce change.
    pub nonce: Option<Change<u64>>,
    /// Code-hash change (deploys and self-destructs).
    pub code_hash: Option<Change<B256>>,
    /// Changed storage slots.
    pub storage: BTreeMap<U256, Change<U256>>,
    /// The account was removed (self-destruct or EIP-161 clearing).
    pub removed: bool,
}

impl AccountDiff {
    fn is_empty(&self) -> bool {
        self.balance.is_none()
            && self.nonce.is_none()
            && self.code_hash.is_none()
            && self.storage.is_empty()
            && !self.removed
    }
}

/// Everything a transaction changed, ordered by address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateDiff {
    /// Changed accounts.
    pub accounts: BTreeMap<Address, AccountDiff>,
}

fn change<T: PartialEq>(before: T, after: T) -> Option<Change<T>> {
    (before != after).then_some(Change { before, after })
}

impl StateDiff {
    /// Compares revm's post-transaction state with the world before it.
    pub(crate) fn between(pre: &WorldState, post: &EvmState, clear_empty: bool) -> Self {
        let mut accounts = BTreeMap::new();
        for (address, account) in post {
            if !account.is_touched() {
                continue;
            }
            let old = pre.account(address);
            let (old_balance, old_nonce, old_hash) = old.map(|a| (a.balance, a.nonce, a.code_hash)).unwrap_or((
                U256::ZERO,
                0,
                revm::primitives::KECCAK_EMPTY,
            ));
            let removed = account.is_selfdestructed() || (clear_empty && account.info.is_empty());
            let mut diff = AccountDiff {
                balance: change(old_balance, if removed { U256::ZERO } else { account.info.balance }),
                nonce: change(old_nonce, if removed { 0 } else { account.info.nonce }),
                code_hash: change(old_hash, account.info.code_hash),
                removed: removed && old.is_some(),
                ..Default::default()
            };
            for (key, slot) in &account.storage {
                let before = pre.storage_at(address, key);
                let after = if removed { U256::ZERO } else { slot.present_value() };
                if let Some(c) = change(before, after) {
                    diff.storage.insert(*key, c);
                }
            }
            if !diff.is_empty() {
                accounts.insert(*address, diff);
            }
        }
        Self { accounts }
    }
}
