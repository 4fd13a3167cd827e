//! `tally`: a one-vote-per-address poll, written with stylus-sdk 0.10. Its own `cargo test`
//! runs `scenarios/` through `diorama::Suite` on both executors (tests/scenarios.rs).
//!
//!   vote(uint8 option)                    one vote per address; options 0..=3
//!   votes(uint8 option)(uint256)          votes for an option
//!   hasVoted(address voter)(bool)
//!   leader()(uint8)                       the option with most votes (lowest on ties)
//!
//! Events: Voted(address indexed voter, uint8 option).
//! Errors: AlreadyVoted(address voter), NoSuchOption(uint8 option).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::vec::Vec;
use alloy_sol_types::sol;
use stylus_sdk::{
    alloy_primitives::{Address, U8, U256},
    prelude::*,
};

/// Options 0..OPTIONS.
const OPTIONS: u8 = 4;

sol! {
    event Voted(address indexed voter, uint8 option);
    error AlreadyVoted(address voter);
    error NoSuchOption(uint8 option);
}

#[derive(SolidityError)]
pub enum TallyError {
    AlreadyVoted(AlreadyVoted),
    NoSuchOption(NoSuchOption),
}

sol_storage! {
    #[entrypoint]
    pub struct Tally {
        mapping(uint8 => uint256) votes;
        mapping(address => bool) voted;
    }
}

#[public]
impl Tally {
    /// Records the sender's vote for `option`.
    pub fn vote(&mut self, option: u8) -> Result<(), TallyError> {
        if option >= OPTIONS {
            return Err(TallyError::NoSuchOption(NoSuchOption { option }));
        }
        let voter = self.vm().msg_sender();
        if self.voted.get(voter) {
            return Err(TallyError::AlreadyVoted(AlreadyVoted { voter }));
        }
        self.voted.insert(voter, true);
        let count = self.votes.get(U8::from(option));
        self.votes.insert(U8::from(option), count + U256::from(1));
        self.vm().log(Voted { voter, option });
        Ok(())
    }

    /// Votes for `option`.
    pub fn votes(&self, option: u8) -> U256 {
        self.votes.get(U8::from(option))
    }

    /// Whether `voter` has voted.
    pub fn has_voted(&self, voter: Address) -> bool {
        self.voted.get(voter)
    }

    /// The option with the most votes (the lowest one on a tie).
    pub fn leader(&self) -> u8 {
        let counts: Vec<U256> = (0..OPTIONS).map(|o| self.votes.get(U8::from(o))).collect();
        let mut best = 0;
        for (option, count) in counts.iter().enumerate() {
            if *count > counts[best] {
                best = option;
            }
        }
        best as u8
    }
}
