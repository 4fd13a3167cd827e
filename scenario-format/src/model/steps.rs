//! Interpreted step objects.

use super::expect::Expect;
use crate::value::{AbiValue, AddressValue, BytesValue, Check, CodeValue, U256Value, WordValue};
use std::path::PathBuf;

/// `setState`: accounts, block environment and future deploy addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetState {
    /// Accounts in file order.
    pub accounts: Vec<(AddressValue, AccountState)>,
    /// Block environment changes.
    pub block: Option<BlockState>,
    /// Arbitrum chain settings to change.
    pub arbitrum: Option<ArbitrumState>,
    /// Addresses that later deploys get.
    pub new_addresses: Vec<NewAddress>,
}

/// `setState.arbitrum`: omitted fields keep their current value; the lists replace the
/// current ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArbitrumState {
    /// Chain owners.
    pub chain_owners: Option<Vec<AddressValue>>,
    /// ArbWasmCache cache managers.
    pub cache_managers: Option<Vec<AddressValue>>,
    /// Receives activation and keepalive data fees.
    pub network_fee_account: Option<AddressValue>,
    /// ArbOwnerPublic `getInfraFeeAccount`.
    pub infra_fee_account: Option<AddressValue>,
    /// L1 price per calldata unit, wei.
    pub l1_base_fee: Option<U256Value>,
    /// L2 minimum base fee, wei.
    pub minimum_gas_price: Option<U256Value>,
    /// Stylus version.
    pub stylus_version: Option<u16>,
    /// Gas burnt before each activation (ArbOS 60+).
    pub activation_gas: Option<u64>,
    /// Days until a program expires.
    pub expiry_days: Option<u16>,
    /// Days before a keepalive is allowed.
    pub keepalive_days: Option<u16>,
    /// Recent-program cache capacity (ArbOS 60+).
    pub block_cache_size: Option<u16>,
    /// Fragments a root program may list (ArbOS 60+).
    pub max_fragment_count: Option<u8>,
}

/// An account to set; omitted fields keep their current value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountState {
    /// Balance.
    pub balance: Option<U256Value>,
    /// Nonce.
    pub nonce: Option<u64>,
    /// Runtime code.
    pub code: Option<CodeValue>,
    /// Storage slots to set (keys and values as 32-byte words).
    pub storage: Vec<(WordValue, WordValue)>,
    /// Activate the Stylus code at no cost (requires `code`).
    pub activate: bool,
}

/// Block environment (`setState.block`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockState {
    /// Block number.
    pub number: Option<U256Value>,
    /// Timestamp.
    pub timestamp: Option<U256Value>,
    /// Base fee per gas (default 0).
    pub basefee: Option<u64>,
    /// Chain id (JSON `chainId`).
    pub chain_id: Option<u64>,
    /// Coinbase.
    pub coinbase: Option<AddressValue>,
    /// Block gas limit (default 30,000,000).
    pub gas_limit: Option<u64>,
    /// ArbOS version.
    pub arbos_version: Option<u64>,
    /// L1 block number estimate (JSON `l1Number`).
    pub l1_number: Option<u64>,
}

/// `setState.newAddresses[i]`: the address a deploy by `creator` at `nonce` gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAddress {
    /// Deployer.
    pub creator: AddressValue,
    /// Deployer's nonce.
    pub nonce: u64,
    /// The address.
    pub address: AddressValue,
}

/// `deploy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deploy {
    /// The transaction.
    pub tx: DeployTx,
    /// Expectations (`None`: omitted).
    pub expect: Option<Expect>,
}

/// `deploy.tx`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployTx {
    /// Sender.
    pub from: AddressValue,
    /// What the deployed account ends up holding.
    pub code: CodeValue,
    /// `constructor(types)`, checked for syntax only.
    pub constructor: Option<String>,
    /// Constructor arguments (only with `constructor`), unencoded.
    pub args: Vec<AbiValue>,
    /// Value sent.
    pub value: Option<U256Value>,
    /// Gas limit.
    pub gas_limit: Option<u64>,
    /// Gas price (default 0).
    pub gas_price: Option<U256Value>,
    /// Activate the Stylus program in the same step.
    pub activate: bool,
}

/// `activate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activate {
    /// The transaction.
    pub tx: ActivateTx,
    /// Expectations.
    pub expect: Option<Expect>,
}

/// `activate.tx`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivateTx {
    /// Sender.
    pub from: AddressValue,
    /// Program to activate.
    pub program: AddressValue,
    /// Value sent (`None`: the data fee).
    pub value: Option<U256Value>,
    /// Gas limit.
    pub gas_limit: Option<u64>,
}

/// `call` or `query`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallTx {
    /// The transaction.
    pub tx: CallFields,
    /// Expectations.
    pub expect: Option<Expect>,
}

/// `call.tx` / `query.tx`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallFields {
    /// Sender: always present for `call`; `None` for a `query` without `from` (zero address).
    pub from: Option<AddressValue>,
    /// Callee.
    pub to: AddressValue,
    /// Solidity signature with optional return types (`f(uint256)(bool)`), syntax-checked.
    /// Exclusive with `data`.
    pub function: Option<String>,
    /// Arguments (only with `function`), unencoded.
    pub args: Vec<AbiValue>,
    /// Raw calldata.
    pub data: Option<BytesValue>,
    /// Value sent.
    pub value: Option<U256Value>,
    /// Gas limit.
    pub gas_limit: Option<u64>,
    /// Gas price.
    pub gas_price: Option<U256Value>,
}

/// `transfer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// The transaction.
    pub tx: TransferTx,
    /// Expectations (a transfer to a contract runs its code).
    pub expect: Option<Expect>,
}

/// `transfer.tx`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferTx {
    /// Sender.
    pub from: AddressValue,
    /// Recipient.
    pub to: AddressValue,
    /// Amount.
    pub value: U256Value,
}

/// `checkState`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckState {
    /// Expected accounts in file order.
    pub accounts: Vec<(AddressValue, AccountCheck)>,
    /// `"+": ""`: unlisted accounts are not checked.
    pub open: bool,
}

/// An account's expected state; `None` fields are not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountCheck {
    /// Balance.
    pub balance: Option<Check<U256Value>>,
    /// Nonce.
    pub nonce: Option<Check<u64>>,
    /// Runtime code.
    pub code: Option<Check<CodeValue>>,
    /// Storage.
    pub storage: Option<StorageCheck>,
    /// Stylus activation.
    pub program: Option<ProgramCheck>,
}

/// Expected storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageCheck {
    /// Listed slots; `Check::Any` values must exist but are not compared.
    pub slots: Vec<(WordValue, Check<WordValue>)>,
    /// `"+": ""`: unlisted non-zero slots are allowed.
    pub open: bool,
}

/// Expected Stylus activation state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramCheck {
    /// Whether activated.
    pub activated: Option<bool>,
    /// Stylus version.
    pub version: Option<Check<u64>>,
    /// Footprint in pages.
    pub footprint: Option<Check<u64>>,
    /// Init cost.
    pub init_cost: Option<Check<u64>>,
    /// Cached init cost.
    pub cached_cost: Option<Check<u64>>,
    /// Module hash.
    pub module_hash: Option<Check<WordValue>>,
}

/// `dumpState`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumpState {
    /// Output file, resolved against the scenario's folder; `None`: print.
    pub path: Option<PathBuf>,
}
