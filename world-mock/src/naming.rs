//! `newAddresses`: a scenario can name the address that a creator's deploy at a given nonce gets.
//!
//! The world's inspector rewrites the CREATE scheme to revm's `Custom { address }` before the
//! frame opens, so the contract runs its constructor at the named address.

use std::collections::HashMap;

use revm::primitives::Address;

/// Named addresses keyed by (creator, creator nonce at deploy time).
#[derive(Clone, Debug, Default)]
pub(crate) struct AddressNamer {
    names: HashMap<(Address, u64), Address>,
}

impl AddressNamer {
    /// Registers the address a CREATE by `creator` at `nonce` will get.
    pub(crate) fn insert(&mut self, creator: Address, nonce: u64, address: Address) {
        self.names.insert((creator, nonce), address);
    }

    /// Forgets the name registered for `creator` at `nonce`.
    pub(crate) fn remove(&mut self, creator: Address, nonce: u64) {
        self.names.remove(&(creator, nonce));
    }

    /// True when no address is named (transactions can then skip the inspector).
    pub(crate) fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Every creator that has a named address.
    pub(crate) fn creators(&self) -> impl Iterator<Item = &Address> {
        self.names.keys().map(|(creator, _)| creator)
    }

    /// The `(nonce, address)` names registered for `creator`, by nonce.
    pub(crate) fn for_creator(&self, creator: Address) -> Vec<(u64, Address)> {
        let mut names: Vec<(u64, Address)> =
            self.names.iter().filter(|((c, _), _)| *c == creator).map(|((_, nonce), a)| (*nonce, *a)).collect();
        names.sort();
        names
    }

    /// The named address for a CREATE by `creator` at `nonce`, if any.
    pub(crate) fn get(&self, creator: Address, nonce: u64) -> Option<Address> {
        self.names.get(&(creator, nonce)).copied()
    }
}
