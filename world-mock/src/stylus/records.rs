//! Program records and the data pricer, kept in the storage of the ArbOS state account as
//! nitro does, so that revm's journal commits them with the transaction and rolls them back
//! with a reverted frame.
//!
//! Layout (diorama's own; nitro's slots are derived differently):
//! - slot `codehash`: the program word, packed big-endian from byte 0 like nitro's `Program`:
//!   version u16 | initCost u16 | cachedCost u16 | footprint u16 | activatedAt u24 (hours since
//!   2015-01-16 06:00 UTC) | asmEstimateKb u24 | cached u8, then (a diorama extension) the exact
//!   asm estimate u32 at bytes 15..19.
//! - slot `keccak256(codehash)`: the module hash.
//! - slot 1: the data pricer, demand u32 | lastUpdate u64 | 1 (set marker).

use std::cell::RefCell;
use std::collections::HashMap;

use revm::context::JournalTr;
use revm::context_interface::journaled_state::account::JournaledAccountTr;
use revm::primitives::{Address, B256, U256, address, keccak256};

use super::data_pricer::{DataPricer, INITIAL_TIME};
use super::{ProgramInfo, StylusParams};
use crate::state::WorldState;
use crate::world::WorldCtx;

/// The ArbOS state account, whose storage holds program records (nitro's address).
pub const ARBOS_STATE: Address = address!("a4b05fffffffffffffffffffffffffffffffffff");
const PRICER_SLOT: U256 = U256::from_limbs([1, 0, 0, 0]);

/// A program's activation record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramRecord {
    /// What activation produced.
    pub info: ProgramInfo,
    /// Activation time in hours since 2015-01-16 06:00 UTC (nitro's `activatedAt`).
    pub activated_at_hours: u32,
}

impl ProgramRecord {
    /// A record for a program activated at unix time `now`.
    pub fn new(info: ProgramInfo, now: u64) -> Self {
        let hours = now.saturating_sub(INITIAL_TIME) / 3600;
        Self { info, activated_at_hours: u32::try_from(hours).unwrap_or(u32::MAX).min(0xFF_FFFF) }
    }

    /// Seconds since activation at unix time `now` (activation rounded down to the hour).
    pub fn age(&self, now: u64) -> u64 {
        now.saturating_sub(INITIAL_TIME + u64::from(self.activated_at_hours) * 3600)
    }

    fn pack(&self) -> U256 {
        let info = &self.info;
        let mut word = [0u8; 32];
        word[0..2].copy_from_slice(&info.version.to_be_bytes());
        word[2..4].copy_from_slice(&info.init_cost.to_be_bytes());
        word[4..6].copy_from_slice(&info.cached_cost.to_be_bytes());
        word[6..8].copy_from_slice(&info.footprint.to_be_bytes());
        word[8..11].copy_from_slice(&self.activated_at_hours.to_be_bytes()[1..]);
        let kb = info.asm_estimate.div_ceil(1024).min(0xFF_FFFF);
        word[11..14].copy_from_slice(&kb.to_be_bytes()[1..]);
        word[14] = u8::from(info.cached);
        word[15..19].copy_from_slice(&info.asm_estimate.to_be_bytes());
        U256::from_be_bytes(word)
    }

    fn unpack(word: U256, codehash: B256, module_hash: B256) -> Option<Self> {
        let w: [u8; 32] = word.to_be_bytes();
        let u16_at = |i: usize| u16::from_be_bytes([w[i], w[i + 1]]);
        let version = u16_at(0);
        if version == 0 {
            return None;
        }
        let info = ProgramInfo {
            codehash,
            module_hash,
            version,
            init_cost: u16_at(2),
            cached_cost: u16_at(4),
            footprint: u16_at(6),
            asm_estimate: u32::from_be_bytes([w[15], w[16], w[17], w[18]]),
            cached: w[14] != 0,
        };
        Some(Self { info, activated_at_hours: u32::from_be_bytes([0, w[8], w[9], w[10]]) })
    }
}

/// Why a program cannot run (or be queried) now: nitro's `getActiveProgram` errors.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InactiveProgram {
    /// No record for the code hash.
    #[error("program not activated")]
    NotActivated,
    /// Activated under another Stylus version.
    #[error("program needs upgrade: activated at Stylus version {have}, the chain is at version {want}")]
    NeedsUpgrade {
        /// The record's version.
        have: u16,
        /// The chain's current version.
        want: u16,
    },
    /// Older than the expiry period.
    #[error("program expired: activated {age} seconds ago")]
    Expired {
        /// Seconds since activation.
        age: u64,
    },
}

/// The record, if the program may run now under `params`.
pub(crate) fn active(
    record: Option<ProgramRecord>,
    params: &StylusParams,
    now: u64,
) -> Result<ProgramRecord, InactiveProgram> {
    let record = record.ok_or(InactiveProgram::NotActivated)?;
    if record.info.version != params.version {
        return Err(InactiveProgram::NeedsUpgrade { have: record.info.version, want: params.version });
    }
    let age = record.age(now);
    if age > params.expiry_seconds() {
        return Err(InactiveProgram::Expired { age });
    }
    Ok(record)
}

/// Storage of the ArbOS state account, through the journal or directly in the world state.
pub(crate) trait ArbosStorage {
    fn get(&mut self, slot: U256) -> U256;
    fn set(&mut self, slot: U256, value: U256);

    fn program(&mut self, codehash: B256) -> Option<ProgramRecord> {
        let word = self.get(U256::from_be_bytes(codehash.0));
        let module_hash = B256::from(self.get(module_hash_slot(codehash)));
        ProgramRecord::unpack(word, codehash, module_hash)
    }

    fn set_program(&mut self, record: &ProgramRecord) {
        let codehash = record.info.codehash;
        self.set(U256::from_be_bytes(codehash.0), record.pack());
        self.set(module_hash_slot(codehash), U256::from_be_bytes(record.info.module_hash.0));
    }

    fn data_pricer(&mut self) -> DataPricer {
        let w: [u8; 32] = self.get(PRICER_SLOT).to_be_bytes();
        if w[12] == 0 {
            return DataPricer::default();
        }
        let demand = u32::from_be_bytes([w[0], w[1], w[2], w[3]]);
        let mut last = [0u8; 8];
        last.copy_from_slice(&w[4..12]);
        DataPricer { demand, last_update: u64::from_be_bytes(last) }
    }

    fn set_data_pricer(&mut self, pricer: DataPricer) {
        let mut w = [0u8; 32];
        w[0..4].copy_from_slice(&pricer.demand.to_be_bytes());
        w[4..12].copy_from_slice(&pricer.last_update.to_be_bytes());
        w[12] = 1;
        self.set(PRICER_SLOT, U256::from_be_bytes(w));
    }
}

/// `keccak256(codehash)`, remembered per thread: every Stylus frame reads its program's record,
/// and hashing showed in the profile of small calls.
fn module_hash_slot(codehash: B256) -> U256 {
    thread_local! {
        static SLOTS: RefCell<HashMap<B256, U256>> = RefCell::default();
    }
    SLOTS.with_borrow_mut(|slots| {
        if slots.len() >= 4096 {
            slots.clear();
        }
        *slots.entry(codehash).or_insert_with(|| U256::from_be_bytes(keccak256(codehash).0))
    })
}

/// The ArbOS storage seen through a transaction's journal.
pub(crate) struct JournalStorage<'a>(pub(crate) &'a mut WorldCtx);

impl ArbosStorage for JournalStorage<'_> {
    fn get(&mut self, slot: U256) -> U256 {
        // The journal reads storage only of accounts it has loaded.
        let Ok(_) = self.0.journaled_state.load_account(ARBOS_STATE);
        let Ok(load) = self.0.journaled_state.sload(ARBOS_STATE, slot);
        load.data
    }

    fn set(&mut self, slot: U256, value: U256) {
        let journal = &mut self.0.journaled_state;
        let Ok(mut account) = journal.load_account_mut(ARBOS_STATE);
        // A nonce keeps the account from being cleared as empty (EIP-161), as in nitro.
        if account.data.nonce() == 0 {
            account.data.set_nonce(1);
        }
        account.data.touch();
        let Ok(_) = journal.sstore(ARBOS_STATE, slot, value);
    }
}

impl WorldState {
    /// A slot of the ArbOS state account.
    pub(crate) fn get_ref(&self, slot: U256) -> U256 {
        self.storage_at(&ARBOS_STATE, &slot)
    }
}

impl ArbosStorage for WorldState {
    fn get(&mut self, slot: U256) -> U256 {
        self.get_ref(slot)
    }

    fn set(&mut self, slot: U256, value: U256) {
        let account = self.account_mut(ARBOS_STATE);
        account.nonce = account.nonce.max(1);
        self.set_storage(ARBOS_STATE, slot, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_round_trips_through_its_word() {
        let info = ProgramInfo {
            codehash: B256::repeat_byte(1),
            module_hash: B256::repeat_byte(2),
            version: 2,
            footprint: 3,
            init_cost: 0xBEEF,
            cached_cost: 7,
            asm_estimate: 719_569,
            cached: true,
        };
        let record = ProgramRecord::new(info.clone(), INITIAL_TIME + 10 * 3600 + 5);
        assert_eq!(record.activated_at_hours, 10);
        let word = record.pack().to_be_bytes::<32>();
        assert_eq!(&word[..15], &[0, 2, 0xBE, 0xEF, 0, 7, 0, 3, 0, 0, 10, 0, 0x02, 0xBF, 1]);
        assert_eq!(ProgramRecord::unpack(record.pack(), info.codehash, info.module_hash), Some(record));
        assert_eq!(ProgramRecord::unpack(U256::ZERO, info.codehash, info.module_hash), None);
    }
}
