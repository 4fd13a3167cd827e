//! `nft`: an ERC-721-style token (no metadata, no operators) whose `safeTransferFrom` calls
//! `onERC721Received` on a receiving contract — Solidity receivers in the fixtures accept,
//! refuse, revert, or re-enter the token. Built with the SDK's `reentrant` feature, since a
//! receiver may call back into the token during the transfer.
//!
//!   mint(address to, uint256 id)                      anyone may mint an unminted id
//!   ownerOf(uint256 id)(address)   balanceOf(address owner)(uint256)
//!   approve(address to, uint256 id)   getApproved(uint256 id)(address)
//!   transferFrom(address from, address to, uint256 id)
//!   safeTransferFrom(address from, address to, uint256 id, bytes data)
//!       after the transfer, if `to` has code, calls `to.onERC721Received(msg.sender, from, id,
//!       data)` and requires the ERC-721 magic value back; a receiver that reverts with data has
//!       its revert data passed on; one that reverts without data, or returns anything else,
//!       fails with ERC721InvalidReceiver(to)
//!
//! Events: Transfer(address indexed from, address indexed to, uint256 indexed id),
//! Approval(address indexed owner, address indexed approved, uint256 indexed id).
//! Errors: ERC721NonexistentToken(uint256 id), ERC721IncorrectOwner(address sender, uint256 id,
//! address owner), ERC721InsufficientApproval(address operator, uint256 id),
//! ERC721InvalidReceiver(address receiver), ERC721AlreadyMinted(uint256 id).
//!
//! Storage (Solidity layout): 0 mapping(uint256 => address) owners, 1 mapping(address =>
//! uint256) balances, 2 mapping(uint256 => address) approvals.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::vec::Vec;
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, FixedBytes, U256},
    alloy_sol_types::sol,
    prelude::*,
};

sol_interface! {
    interface IERC721Receiver {
        function onERC721Received(address operator, address from, uint256 id, bytes data) external returns (bytes4);
    }
}

sol! {
    event Transfer(address indexed from, address indexed to, uint256 indexed id);
    event Approval(address indexed owner, address indexed approved, uint256 indexed id);
    error ERC721NonexistentToken(uint256 id);
    error ERC721IncorrectOwner(address sender, uint256 id, address owner);
    error ERC721InsufficientApproval(address operator, uint256 id);
    error ERC721InvalidReceiver(address receiver);
    error ERC721AlreadyMinted(uint256 id);
}

#[derive(SolidityError)]
pub enum NftError {
    ERC721NonexistentToken(ERC721NonexistentToken),
    ERC721IncorrectOwner(ERC721IncorrectOwner),
    ERC721InsufficientApproval(ERC721InsufficientApproval),
    ERC721InvalidReceiver(ERC721InvalidReceiver),
    ERC721AlreadyMinted(ERC721AlreadyMinted),
}

/// `bytes4(keccak256("onERC721Received(address,address,uint256,bytes)"))`.
const RECEIVED: [u8; 4] = [0x15, 0x0b, 0x7a, 0x02];

sol_storage! {
    #[entrypoint]
    pub struct Nft {
        mapping(uint256 => address) owners;
        mapping(address => uint256) balances;
        mapping(uint256 => address) approvals;
    }
}

impl Nft {
    fn owner_of_existing(&self, id: U256) -> Result<Address, NftError> {
        let owner = self.owners.get(id);
        if owner.is_zero() {
            return Err(NftError::ERC721NonexistentToken(ERC721NonexistentToken { id }));
        }
        Ok(owner)
    }

    fn move_token(&mut self, from: Address, to: Address, id: U256) -> Result<(), NftError> {
        let owner = self.owner_of_existing(id)?;
        if owner != from {
            return Err(NftError::ERC721IncorrectOwner(ERC721IncorrectOwner { sender: from, id, owner }));
        }
        if to.is_zero() {
            return Err(NftError::ERC721InvalidReceiver(ERC721InvalidReceiver { receiver: to }));
        }
        let operator = self.vm().msg_sender();
        if operator != owner && self.approvals.get(id) != operator {
            return Err(NftError::ERC721InsufficientApproval(ERC721InsufficientApproval { operator, id }));
        }
        self.approvals.delete(id);
        let from_balance = self.balances.get(from);
        self.balances.insert(from, from_balance - U256::from(1));
        let to_balance = self.balances.get(to);
        self.balances.insert(to, to_balance + U256::from(1));
        self.owners.insert(id, to);
        self.vm().log(Transfer { from, to, id });
        Ok(())
    }
}

#[public]
impl Nft {
    /// Mints `id` to `to`.
    pub fn mint(&mut self, to: Address, id: U256) -> Result<(), NftError> {
        if !self.owners.get(id).is_zero() {
            return Err(NftError::ERC721AlreadyMinted(ERC721AlreadyMinted { id }));
        }
        if to.is_zero() {
            return Err(NftError::ERC721InvalidReceiver(ERC721InvalidReceiver { receiver: to }));
        }
        self.owners.insert(id, to);
        let balance = self.balances.get(to);
        self.balances.insert(to, balance + U256::from(1));
        self.vm().log(Transfer { from: Address::ZERO, to, id });
        Ok(())
    }

    /// The owner of `id`.
    pub fn owner_of(&self, id: U256) -> Result<Address, NftError> {
        self.owner_of_existing(id)
    }

    /// How many tokens `owner` has.
    pub fn balance_of(&self, owner: Address) -> U256 {
        self.balances.get(owner)
    }

    /// Lets `to` transfer `id` once.
    pub fn approve(&mut self, to: Address, id: U256) -> Result<(), NftError> {
        let owner = self.owner_of_existing(id)?;
        let sender = self.vm().msg_sender();
        if sender != owner {
            return Err(NftError::ERC721InsufficientApproval(ERC721InsufficientApproval { operator: sender, id }));
        }
        self.approvals.insert(id, to);
        self.vm().log(Approval { owner, approved: to, id });
        Ok(())
    }

    /// Who may transfer `id`.
    pub fn get_approved(&self, id: U256) -> Result<Address, NftError> {
        self.owner_of_existing(id)?;
        Ok(self.approvals.get(id))
    }

    /// Moves `id` from `from` to `to` without asking the receiver.
    pub fn transfer_from(&mut self, from: Address, to: Address, id: U256) -> Result<(), NftError> {
        self.move_token(from, to, id)
    }

    /// Moves `id`, then asks a receiving contract whether it accepts it.
    pub fn safe_transfer_from(&mut self, from: Address, to: Address, id: U256, data: Bytes) -> Result<(), Vec<u8>> {
        self.move_token(from, to, id)?;
        if self.vm().code_size(to) == 0 {
            return Ok(());
        }
        let operator = self.vm().msg_sender();
        let receiver = IERC721Receiver::new(to);
        let ctx = Call::new_mutating(self);
        match receiver.on_erc_721_received(self.vm(), ctx, operator, from, id, data.to_vec().into()) {
            Ok(magic) if magic == FixedBytes(RECEIVED) => Ok(()),
            // A receiver's own revert reason is passed on, as OpenZeppelin's ERC-721 does.
            Err(stylus_sdk::stylus_core::calls::errors::Error::Revert(reason)) if !reason.is_empty() => Err(reason),
            _ => Err(NftError::ERC721InvalidReceiver(ERC721InvalidReceiver { receiver: to }).into()),
        }
    }
}
