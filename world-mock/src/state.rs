//! The world's persistent state: accounts with balance, nonce, code and storage.
//!
//! Kept in ordered maps so that dumps, diffs and state roots iterate deterministically.

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;

use revm::bytecode::Bytecode;
use revm::database_interface::{Database, DatabaseCommit, DatabaseRef};
use revm::primitives::{Address, AddressMap, B256, B256Map, KECCAK_EMPTY, StorageKey, StorageValue, U256};
use revm::state::{Account, AccountInfo};

/// One account as the world stores it between transactions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountState {
    /// Balance in wei.
    pub balance: U256,
    /// Transaction count (EOA) or creation count (contract).
    pub nonce: u64,
    /// Runtime code; empty for an externally owned account.
    pub code: Bytecode,
    /// Keccak-256 of the code's original bytes, or [`KECCAK_EMPTY`].
    pub code_hash: B256,
    /// Non-zero storage slots only.
    pub storage: BTreeMap<U256, U256>,
}

impl AccountState {
    /// An account that does not exist yet: no balance, nonce, code or storage.
    fn empty() -> Self {
        AccountState { code_hash: KECCAK_EMPTY, ..Default::default() }
    }

    /// The raw code bytes, without analysis padding.
    pub fn code_bytes(&self) -> &[u8] {
        self.code.original_byte_slice()
    }

    /// True when the account holds nothing: EIP-161 "empty" and no storage.
    pub fn is_blank(&self) -> bool {
        self.balance.is_zero() && self.nonce == 0 && self.code_bytes().is_empty() && self.storage.is_empty()
    }

    fn info(&self) -> AccountInfo {
        AccountInfo::new(self.balance, self.nonce, self.code_hash, self.code.clone())
    }
}

/// The world state, used by revm as its [`Database`].
#[derive(Clone, Debug, Default)]
pub struct WorldState {
    accounts: BTreeMap<Address, AccountState>,
    /// Code by its hash (already a hash: keyed as it is, not hashed again).
    codes: B256Map<Bytecode>,
    block_hashes: HashMap<u64, B256>,
    /// Remove touched empty accounts on commit (EIP-161, from Spurious Dragon on).
    pub(crate) clear_empty: bool,
}

impl WorldState {
    /// An empty world that applies EIP-161 state clearing.
    pub fn new() -> Self {
        Self { clear_empty: true, ..Self::default() }
    }

    /// All accounts, ordered by address.
    pub fn accounts(&self) -> &BTreeMap<Address, AccountState> {
        &self.accounts
    }

    /// One account, if it exists.
    pub fn account(&self, address: &Address) -> Option<&AccountState> {
        self.accounts.get(address)
    }

    /// The account at `address`, created empty if missing.
    pub fn account_mut(&mut self, address: Address) -> &mut AccountState {
        self.accounts.entry(address).or_insert_with(AccountState::empty)
    }

    /// Sets an account's runtime code (raw bytes; Stylus code is stored as legacy bytes too).
    pub fn set_code(&mut self, address: Address, code: &[u8]) {
        let bytecode = Bytecode::new_raw(code.to_vec().into());
        let hash = if code.is_empty() { KECCAK_EMPTY } else { bytecode.hash_slow() };
        self.set_bytecode(address, bytecode, hash);
    }

    /// [`WorldState::set_code`] for code already analysed, with its hash (the same code given
    /// to many accounts is analysed and hashed once).
    pub(crate) fn set_bytecode(&mut self, address: Address, bytecode: Bytecode, hash: B256) {
        self.codes.insert(hash, bytecode.clone());
        let account = self.account_mut(address);
        account.code = bytecode;
        account.code_hash = hash;
    }

    /// Writes one storage slot; zero deletes it.
    pub fn set_storage(&mut self, address: Address, key: U256, value: U256) {
        let storage = &mut self.account_mut(address).storage;
        if value.is_zero() {
            storage.remove(&key);
        } else {
            storage.insert(key, value);
        }
    }

    /// Reads one storage slot (zero when absent).
    pub fn storage_at(&self, address: &Address, key: &U256) -> U256 {
        self.accounts.get(address).and_then(|a| a.storage.get(key)).copied().unwrap_or_default()
    }

    /// Records the hash that `BLOCKHASH(number)` returns.
    pub fn set_block_hash(&mut self, number: u64, hash: B256) {
        self.block_hashes.insert(number, hash);
    }

    /// Removes an account and its storage.
    pub fn remove_account(&mut self, address: &Address) {
        self.accounts.remove(address);
    }

    fn commit_account(&mut self, address: Address, account: Account) {
        if !account.is_touched() {
            return;
        }
        if account.is_selfdestructed() || (self.clear_empty && account.info.is_empty()) {
            self.accounts.remove(&address);
            return;
        }
        let created = account.is_created();
        let Account { info, storage, .. } = account;
        let entry = self.accounts.entry(address).or_insert_with(AccountState::empty);
        entry.balance = info.balance;
        entry.nonce = info.nonce;
        // Most transactions leave the code of the accounts they touch as it was.
        if entry.code_hash != info.code_hash {
            if let Some(code) = &info.code
                && info.code_hash != KECCAK_EMPTY
            {
                self.codes.entry(info.code_hash).or_insert_with(|| code.clone());
            }
            entry.code = match info.code {
                Some(code) => code,
                None => self.codes.get(&info.code_hash).cloned().unwrap_or_default(),
            };
            entry.code_hash = info.code_hash;
        }
        if created {
            entry.storage.clear();
        }
        for (key, slot) in storage {
            if !slot.is_changed() && !created {
                continue;
            }
            let value = slot.present_value();
            if value.is_zero() {
                entry.storage.remove(&key);
            } else {
                entry.storage.insert(key, value);
            }
        }
    }
}

impl DatabaseRef for WorldState {
    type Error = Infallible;

    fn basic_ref(&self, address: Address) -> Result<Option<AccountInfo>, Infallible> {
        Ok(self.accounts.get(&address).map(AccountState::info))
    }

    fn code_by_hash_ref(&self, code_hash: B256) -> Result<Bytecode, Infallible> {
        Ok(self.codes.get(&code_hash).cloned().unwrap_or_default())
    }

    fn storage_ref(&self, address: Address, index: StorageKey) -> Result<StorageValue, Infallible> {
        Ok(self.storage_at(&address, &index))
    }

    fn block_hash_ref(&self, number: u64) -> Result<B256, Infallible> {
        Ok(self.block_hashes.get(&number).copied().unwrap_or_else(|| default_block_hash(number)))
    }
}

/// The hash used for blocks the scenario did not name: keccak of the decimal number, as
/// ethereum/tests' state-test environment does.
pub fn default_block_hash(number: u64) -> B256 {
    revm::primitives::keccak256(number.to_string().as_bytes())
}

impl Database for WorldState {
    type Error = Infallible;

    fn basic(&mut self, address: Address) -> Result<Option<AccountInfo>, Infallible> {
        self.basic_ref(address)
    }

    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, Infallible> {
        self.code_by_hash_ref(code_hash)
    }

    fn storage(&mut self, address: Address, index: StorageKey) -> Result<StorageValue, Infallible> {
        self.storage_ref(address, index)
    }

    fn block_hash(&mut self, number: u64) -> Result<B256, Infallible> {
        self.block_hash_ref(number)
    }
}

impl DatabaseCommit for WorldState {
    fn commit(&mut self, changes: AddressMap<Account>) {
        for (address, account) in changes {
            self.commit_account(address, account);
        }
    }
}
