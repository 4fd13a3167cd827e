//! `vault`: a contract whose state is set once, by a payable `#[constructor]` taking several
//! argument types, deployed the way `cargo stylus deploy --constructor-args … --constructor-value …`
//! does (through the StylusDeployer, in one transaction).
//!
//!   constructor(address keeper, uint64 limit, string label, bytes32 tag, bool open) payable
//!       reverts ZeroKeeper() for the zero address, LimitTooLow(uint64 limit, uint256 deposit)
//!       when the value sent exceeds `limit` wei
//!   keeper()(address)  limit()(uint64)  label()(string)  tag()(bytes32)  open()(bool)
//!   deposit()(uint256)   the constructor's value      deployer()(address)  msg.sender of the
//!   constructor (the StylusDeployer)   origin()(address)  tx.origin of the constructor
//!   balance()(uint256)   the vault's balance (account_balance of itself)
//!
//! Storage: slot 0 keeper, slot 1 limit, slot 2 label (StorageString), slot 3 tag, slot 4 open,
//! slot 5 deposit, slot 6 deployer, slot 7 origin; the SDK's constructor flag at
//! keccak256("stylus_constructor").
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::string::String;
use stylus_sdk::{
    alloy_primitives::{Address, FixedBytes, U256},
    alloy_sol_types::sol,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageFixedBytes, StorageString, StorageU256, StorageU64},
};

sol! {
    error ZeroKeeper();
    error LimitTooLow(uint64 limit, uint256 deposit);
}

#[derive(SolidityError)]
pub enum VaultError {
    ZeroKeeper(ZeroKeeper),
    LimitTooLow(LimitTooLow),
}

#[storage]
#[entrypoint]
pub struct Vault {
    keeper: StorageAddress,
    limit: StorageU64,
    label: StorageString,
    tag: StorageFixedBytes<32>,
    open: StorageBool,
    deposit: StorageU256,
    deployer: StorageAddress,
    origin: StorageAddress,
}

#[public]
impl Vault {
    /// Sets the vault up once; keeps the value sent with the deploy.
    #[constructor]
    #[payable]
    pub fn constructor(
        &mut self,
        keeper: Address,
        limit: u64,
        label: String,
        tag: FixedBytes<32>,
        open: bool,
    ) -> Result<(), VaultError> {
        if keeper.is_zero() {
            return Err(VaultError::ZeroKeeper(ZeroKeeper {}));
        }
        let deposit = self.vm().msg_value();
        if deposit > U256::from(limit) {
            return Err(VaultError::LimitTooLow(LimitTooLow { limit, deposit }));
        }
        self.keeper.set(keeper);
        self.limit.set(stylus_sdk::alloy_primitives::U64::from(limit));
        self.label.set_str(label);
        self.tag.set(tag);
        self.open.set(open);
        self.deposit.set(deposit);
        let (deployer, origin) = (self.vm().msg_sender(), self.vm().tx_origin());
        self.deployer.set(deployer);
        self.origin.set(origin);
        Ok(())
    }

    /// The keeper.
    pub fn keeper(&self) -> Address {
        self.keeper.get()
    }

    /// The limit, in wei.
    pub fn limit(&self) -> u64 {
        self.limit.get().to()
    }

    /// The label.
    pub fn label(&self) -> String {
        self.label.get_string()
    }

    /// The tag.
    pub fn tag(&self) -> FixedBytes<32> {
        self.tag.get()
    }

    /// Whether the vault is open.
    pub fn open(&self) -> bool {
        self.open.get()
    }

    /// The value sent with the constructor.
    pub fn deposit(&self) -> U256 {
        self.deposit.get()
    }

    /// Who called the constructor (the StylusDeployer).
    pub fn deployer(&self) -> Address {
        self.deployer.get()
    }

    /// Who sent the deploy transaction.
    pub fn origin(&self) -> Address {
        self.origin.get()
    }

    /// The vault's own balance.
    pub fn balance(&self) -> U256 {
        let this = self.vm().contract_address();
        self.vm().balance(this)
    }
}
