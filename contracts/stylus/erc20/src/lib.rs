//! `erc20`: the Stylus twin of `contracts/solidity/ERC20.sol`.
//!
//! Same ABI, events, errors, revert strings, check order and STORAGE LAYOUT as the
//! Solidity contract, so a scenario can run against either and compare storage:
//!   slot 0  mapping(address => uint256) balances
//!   slot 1  mapping(address => mapping(address => uint256)) allowances
//!   slot 2  uint256 totalSupply
//!   slot 3  string name      (short strings: data and 2*len packed in the slot)
//!   slot 4  string symbol    (both must be < 32 bytes here; see `short_string`)
//!   slot 5  address owner    (the constructor's msg.sender; the only account allowed to mint)
//!   decimals is a constant (18) and uses no storage.
//!
//! Constructor: the SDK's `#[constructor]`, reached with the selector of
//! `stylus_constructor()` (0x5585258d) followed by `abi.encode(name, symbol, initialSupply)`;
//! it runs once (the SDK marks slot `keccak256("stylus_constructor")` =
//! 0xd719fb9e…7c8c as executed; a second call reverts with empty data).
//! Differences from Solidity: the constructor is an ordinary call made after deployment and
//! activation, and the SDK's constructor-guard slot is written.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::{string::String, vec::Vec};
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    alloy_sol_types::{sol, SolError},
    prelude::*,
};

sol! {
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    error InsufficientBalance(uint256 available, uint256 required);
    error InsufficientAllowance(uint256 available, uint256 required);
}

/// Revert data, encoded exactly as Solidity encodes it (`Error(string)` and `Panic(uint256)` are
/// hand-rolled rather than built with `alloy_sol_types::{Revert, Panic}`: smaller code).
pub type Erc20Error = Vec<u8>;

/// `Error(string)`: what Solidity's `require(cond, "msg")` reverts with (msg < 32 bytes here).
fn require(cond: bool, msg: &str) -> Result<(), Erc20Error> {
    if cond {
        return Ok(());
    }
    let mut out = Vec::with_capacity(4 + 96);
    out.extend_from_slice(&[0x08, 0xc3, 0x79, 0xa0]);
    out.extend_from_slice(&U256::from(32).to_be_bytes::<32>());
    out.extend_from_slice(&U256::from(msg.len()).to_be_bytes::<32>());
    let mut word = [0u8; 32];
    word[..msg.len()].copy_from_slice(msg.as_bytes());
    out.extend_from_slice(&word);
    Err(out)
}

/// `Panic(0x11)` on overflow, like Solidity's checked `+=`.
fn checked_add(a: U256, b: U256) -> Result<U256, Erc20Error> {
    a.checked_add(b).ok_or_else(|| {
        let mut out = Vec::with_capacity(36);
        out.extend_from_slice(&[0x4e, 0x48, 0x7b, 0x71]);
        out.extend_from_slice(&U256::from(0x11).to_be_bytes::<32>());
        out
    })
}

/// Solidity's storage encoding of a string shorter than 32 bytes: the bytes left-aligned, the
/// lowest-order byte = 2 * length. (The SDK's `StorageString` handles long strings too but
/// costs ~8 KB of code, which would push the module over the 24 KiB compressed limit, so
/// longer names revert with `Error("ERC20: string too long")`.)
fn short_string(s: &str) -> Result<B256, Erc20Error> {
    require(s.len() < 32, "ERC20: string too long")?;
    let mut word = [0u8; 32];
    word[..s.len()].copy_from_slice(s.as_bytes());
    word[31] = (s.len() * 2) as u8;
    Ok(B256::from(word))
}

/// Inverse of [`short_string`] (a long-form slot, never written by this contract, reads as "").
fn from_short_string(word: B256) -> String {
    let tag = word[31];
    if tag & 1 == 1 {
        return String::new();
    }
    let len = ((tag / 2) as usize).min(31);
    String::from_utf8(word[..len].to_vec()).unwrap_or_default()
}

sol_storage! {
    #[entrypoint]
    pub struct Erc20 {
        mapping(address => uint256) balances;                         // slot 0
        mapping(address => mapping(address => uint256)) allowances;   // slot 1
        uint256 total_supply;                                         // slot 2
        bytes32 name;    // slot 3: Solidity short-string encoding, see `short_string`
        bytes32 symbol;  // slot 4
        address owner;                                                // slot 5
    }
}

impl Erc20 {
    fn transfer_internal(
        &mut self,
        from: Address,
        to: Address,
        amount: U256,
    ) -> Result<(), Erc20Error> {
        require(to != Address::ZERO, "ERC20: transfer to zero")?;
        let available = self.balances.get(from);
        if available < amount {
            return Err(InsufficientBalance {
                available,
                required: amount,
            }
            .abi_encode());
        }
        self.balances.insert(from, available - amount);
        let to_balance = self.balances.get(to);
        self.balances.insert(to, checked_add(to_balance, amount)?);
        self.vm().log(Transfer {
            from,
            to,
            value: amount,
        });
        Ok(())
    }

    fn mint_internal(&mut self, to: Address, amount: U256) -> Result<(), Erc20Error> {
        require(to != Address::ZERO, "ERC20: mint to zero")?;
        let supply = checked_add(self.total_supply.get(), amount)?;
        self.total_supply.set(supply);
        let balance = self.balances.get(to);
        self.balances.insert(to, checked_add(balance, amount)?);
        self.vm().log(Transfer {
            from: Address::ZERO,
            to,
            value: amount,
        });
        Ok(())
    }
}

#[public]
impl Erc20 {
    /// Sets name and symbol, makes the caller the owner and mints `initial_supply` to it.
    #[constructor]
    pub fn constructor(
        &mut self,
        name: String,
        symbol: String,
        initial_supply: U256,
    ) -> Result<(), Erc20Error> {
        let sender = self.vm().msg_sender();
        self.name.set(short_string(&name)?);
        self.symbol.set(short_string(&symbol)?);
        self.owner.set(sender);
        self.mint_internal(sender, initial_supply)
    }

    /// `name()(string)`.
    pub fn name(&self) -> String {
        from_short_string(self.name.get())
    }

    /// `symbol()(string)`.
    pub fn symbol(&self) -> String {
        from_short_string(self.symbol.get())
    }

    /// `decimals()(uint8)`: always 18.
    pub fn decimals(&self) -> u8 {
        18
    }

    /// `totalSupply()(uint256)`.
    pub fn total_supply(&self) -> U256 {
        self.total_supply.get()
    }

    /// `owner()(address)`.
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// `balanceOf(address)(uint256)`.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    /// `allowance(address holder, address spender)(uint256)`.
    pub fn allowance(&self, holder: Address, spender: Address) -> U256 {
        self.allowances.getter(holder).get(spender)
    }

    /// `transfer(address to, uint256 amount)(bool)`.
    pub fn transfer(&mut self, to: Address, amount: U256) -> Result<bool, Erc20Error> {
        let from = self.vm().msg_sender();
        self.transfer_internal(from, to, amount)?;
        Ok(true)
    }

    /// `approve(address spender, uint256 amount)(bool)`.
    pub fn approve(&mut self, spender: Address, amount: U256) -> Result<bool, Erc20Error> {
        require(spender != Address::ZERO, "ERC20: approve to zero")?;
        let owner = self.vm().msg_sender();
        self.allowances.setter(owner).insert(spender, amount);
        self.vm().log(Approval {
            owner,
            spender,
            value: amount,
        });
        Ok(true)
    }

    /// `transferFrom(address from, address to, uint256 amount)(bool)`: spends the allowance
    /// first (always decremented, no "infinite" special case), then moves the tokens.
    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        amount: U256,
    ) -> Result<bool, Erc20Error> {
        let spender = self.vm().msg_sender();
        let allowed = self.allowances.getter(from).get(spender);
        if allowed < amount {
            return Err(InsufficientAllowance {
                available: allowed,
                required: amount,
            }
            .abi_encode());
        }
        self.allowances
            .setter(from)
            .insert(spender, allowed - amount);
        self.transfer_internal(from, to, amount)?;
        Ok(true)
    }

    /// `mint(address to, uint256 amount)`: owner only.
    pub fn mint(&mut self, to: Address, amount: U256) -> Result<(), Erc20Error> {
        require(
            self.vm().msg_sender() == self.owner.get(),
            "ERC20: caller is not the owner",
        )?;
        self.mint_internal(to, amount)
    }
}
