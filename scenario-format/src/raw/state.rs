//! Raw account and block objects of `setState` and `checkState`.

use super::common::{CheckMap, RawMap, ValueRaw};
use serde::Deserialize;

/// An account in `setState.accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct AccountRaw {
    /// Balance in wei.
    pub balance: Option<ValueRaw>,
    /// Nonce.
    pub nonce: Option<ValueRaw>,
    /// Runtime code (a code expression).
    pub code: Option<ValueRaw>,
    /// Storage: slot → value.
    pub storage: Option<RawMap<ValueRaw>>,
    /// Activate the (Stylus) code at no cost.
    pub activate: Option<bool>,
}

/// `setState.block`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct BlockRaw {
    /// Block number.
    pub number: Option<ValueRaw>,
    /// Timestamp.
    pub timestamp: Option<ValueRaw>,
    /// Base fee per gas.
    pub basefee: Option<ValueRaw>,
    /// Chain id.
    pub chain_id: Option<ValueRaw>,
    /// Coinbase address.
    pub coinbase: Option<ValueRaw>,
    /// Block gas limit.
    pub gas_limit: Option<ValueRaw>,
    /// ArbOS version.
    pub arbos_version: Option<ValueRaw>,
    /// nitro's L1 block number estimate (EVM `NUMBER`, Stylus `block_number`).
    pub l1_number: Option<ValueRaw>,
}

/// `setState.arbitrum`: chain settings the ArbOS precompiles read, and Stylus parameters.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct ArbitrumRaw {
    /// Chain owners (replaces the list).
    pub chain_owners: Option<Vec<ValueRaw>>,
    /// ArbWasmCache cache managers (replaces the list).
    pub cache_managers: Option<Vec<ValueRaw>>,
    /// Receives activation and keepalive data fees.
    pub network_fee_account: Option<ValueRaw>,
    /// ArbOwnerPublic `getInfraFeeAccount`.
    pub infra_fee_account: Option<ValueRaw>,
    /// L1 price per calldata unit in wei (ArbGasInfo `getL1BaseFeeEstimate`).
    pub l1_base_fee: Option<ValueRaw>,
    /// L2 minimum base fee in wei (ArbGasInfo `getMinimumGasPrice`).
    pub minimum_gas_price: Option<ValueRaw>,
    /// Stylus version (`StylusParams.Version`).
    pub stylus_version: Option<ValueRaw>,
    /// Gas burnt before every activation (ArbOS 60+).
    pub activation_gas: Option<ValueRaw>,
    /// Days until a program expires.
    pub expiry_days: Option<ValueRaw>,
    /// Days after activation before a keepalive is allowed.
    pub keepalive_days: Option<ValueRaw>,
    /// Capacity of the per-block recent-program cache (ArbOS 60+).
    pub block_cache_size: Option<ValueRaw>,
    /// Fragments a root program may list (ArbOS 60+).
    pub max_fragment_count: Option<ValueRaw>,
}

/// An entry of `setState.newAddresses`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct NewAddressRaw {
    /// The deployer.
    pub creator: ValueRaw,
    /// The deployer's nonce at the deploy.
    pub nonce: ValueRaw,
    /// The address the deployed contract gets.
    pub address: ValueRaw,
}

/// An account in `checkState.accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct AccountCheckRaw {
    /// Expected balance.
    pub balance: Option<ValueRaw>,
    /// Expected nonce.
    pub nonce: Option<ValueRaw>,
    /// Expected code.
    pub code: Option<ValueRaw>,
    /// Expected storage (exact unless `"+": ""`).
    pub storage: Option<CheckMap<ValueRaw>>,
    /// Expected Stylus activation.
    pub program: Option<ProgramCheckRaw>,
}

/// `checkState.accounts[...].program`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct ProgramCheckRaw {
    /// Whether the program is activated.
    pub activated: Option<bool>,
    /// Stylus version.
    pub version: Option<ValueRaw>,
    /// Memory footprint in pages.
    pub footprint: Option<ValueRaw>,
    /// Init cost.
    pub init_cost: Option<ValueRaw>,
    /// Cached init cost.
    pub cached_cost: Option<ValueRaw>,
    /// Module hash.
    pub module_hash: Option<ValueRaw>,
}

super::common::objects_only!(AccountRaw, BlockRaw, NewAddressRaw, AccountCheckRaw, ProgramCheckRaw);
