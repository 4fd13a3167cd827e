//! `newAddresses`: a scenario can name the address that a creator's deploy at a given nonce gets.
//!
//! Implemented as an inspector that rewrites the CREATE scheme to revm's `Custom { address }`
//! before the frame opens, so the contract runs its constructor at the named address.

use std::collections::HashMap;

use revm::Inspector;
use revm::context_interface::CreateScheme;
use revm::context_interface::{ContextTr, JournalTr};
use revm::interpreter::{CreateInputs, CreateOutcome, interpreter::EthInterpreter};
use revm::primitives::Address;

/// Named addresses keyed by (creator, creator nonce at deploy time).
#[derive(Clone, Debug, Default)]
pub struct AddressNamer {
    names: HashMap<(Address, u64), Address>,
}

impl AddressNamer {
    /// Registers the address a CREATE by `creator` at `nonce` will get.
    pub fn insert(&mut self, creator: Address, nonce: u64, address: Address) {
        self.names.insert((creator, nonce), address);
    }

    /// Forgets the name registered for `creator` at `nonce`.
    pub fn remove(&mut self, creator: Address, nonce: u64) {
        self.names.remove(&(creator, nonce));
    }

    /// True when no address is named (transactions can then skip the inspector).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Every creator that has a named address.
    pub fn creators(&self) -> impl Iterator<Item = &Address> {
        self.names.keys().map(|(creator, _)| creator)
    }

    /// The `(nonce, address)` names registered for `creator`, by nonce.
    pub fn for_creator(&self, creator: Address) -> Vec<(u64, Address)> {
        let mut names: Vec<(u64, Address)> =
            self.names.iter().filter(|((c, _), _)| *c == creator).map(|((_, nonce), a)| (*nonce, *a)).collect();
        names.sort();
        names
    }

    /// The named address for a CREATE by `creator` at `nonce`, if any.
    pub fn get(&self, creator: Address, nonce: u64) -> Option<Address> {
        self.names.get(&(creator, nonce)).copied()
    }
}

impl<CTX: ContextTr> Inspector<CTX, EthInterpreter> for AddressNamer {
    fn create(&mut self, context: &mut CTX, inputs: &mut CreateInputs) -> Option<CreateOutcome> {
        if inputs.scheme() != CreateScheme::Create {
            return None;
        }
        let caller = inputs.caller();
        // revm bumps the creator's nonce when the create frame opens, after this hook.
        let nonce = match context.journal_mut().load_account(caller) {
            Ok(account) => account.data.info.nonce,
            Err(_) => return None,
        };
        if let Some(address) = self.get(caller, nonce) {
            inputs.set_scheme(CreateScheme::Custom { address });
        }
        None
    }
}
