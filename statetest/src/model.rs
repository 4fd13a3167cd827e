//! The GeneralStateTests JSON format: one file maps test names to [`TestUnit`]s.
//!
//! Numbers are hex (`0x…`) or decimal strings; addresses, hashes and byte strings are hex.
//! Unknown fields are rejected except at the unit level, where `_info` and `config` are metadata.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;
use world_mock::revm::primitives::{Address, B256, Bytes, U256};

use crate::hex;

/// A whole test file: test name to test.
pub type TestFile = BTreeMap<String, TestUnit>;

/// One state test: a pre-state, a transaction matrix and the expected post-state per fork.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestUnit {
    /// Filler metadata (ignored).
    #[serde(default, rename = "_info")]
    pub info: Option<IgnoredAny>,
    /// Newer fixtures' fork configuration (ignored: revm's mainnet values are used).
    #[serde(default)]
    pub config: Option<IgnoredAny>,
    /// The block the transaction runs in.
    pub env: Env,
    /// Accounts before the transaction.
    pub pre: BTreeMap<Hex<Address>, PreAccount>,
    /// Expected results, keyed by fork name.
    pub post: BTreeMap<String, Vec<PostCase>>,
    /// The transaction matrix.
    pub transaction: TxParts,
    /// Expected return data, when given.
    #[serde(default)]
    pub out: Option<Hex<Bytes>>,
}

/// The block environment.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Env {
    /// `CHAINID`; 1 when absent.
    #[serde(default, rename = "currentChainID")]
    pub current_chain_id: Option<Hex<U256>>,
    /// `COINBASE`.
    pub current_coinbase: Hex<Address>,
    /// `DIFFICULTY` before the merge.
    #[serde(default)]
    pub current_difficulty: Option<Hex<U256>>,
    /// Block gas limit.
    pub current_gas_limit: Hex<U256>,
    /// Block number.
    pub current_number: Hex<U256>,
    /// Block timestamp.
    pub current_timestamp: Hex<U256>,
    /// EIP-1559 base fee.
    #[serde(default)]
    pub current_base_fee: Option<Hex<U256>>,
    /// Parent hash (unused by execution).
    #[serde(default)]
    pub previous_hash: Option<Hex<B256>>,
    /// `PREVRANDAO` after the merge.
    #[serde(default)]
    pub current_random: Option<Hex<B256>>,
    /// EIP-4788 beacon root (unused: state tests run no system calls).
    #[serde(default)]
    pub current_beacon_root: Option<Hex<B256>>,
    /// Withdrawals root (unused).
    #[serde(default)]
    pub current_withdrawals_root: Option<Hex<B256>>,
    /// EIP-4844 excess blob gas.
    #[serde(default)]
    pub current_excess_blob_gas: Option<Hex<U256>>,
    /// EIP-7843 slot number.
    #[serde(default)]
    pub slot_number: Option<Hex<U256>>,
}

/// One pre-state account.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreAccount {
    /// Balance in wei.
    pub balance: Hex<U256>,
    /// Runtime code.
    pub code: Hex<Bytes>,
    /// Nonce.
    pub nonce: Hex<U256>,
    /// Storage slots.
    pub storage: BTreeMap<Hex<U256>, Hex<U256>>,
}

/// The transaction matrix: `data`, `gasLimit` and `value` are chosen by a case's indexes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TxParts {
    /// Explicit transaction type; derived from the fields when absent.
    #[serde(default, rename = "type")]
    pub tx_type: Option<Hex<U256>>,
    /// Transaction chain id; 1 when absent.
    #[serde(default)]
    pub chain_id: Option<Hex<U256>>,
    /// Calldata (or init code) variants.
    pub data: Vec<Hex<Bytes>>,
    /// Gas limit variants.
    pub gas_limit: Vec<Hex<U256>>,
    /// Legacy gas price.
    #[serde(default)]
    pub gas_price: Option<Hex<U256>>,
    /// Sender nonce.
    pub nonce: Hex<U256>,
    /// Signing key; absent for an invalidly signed transaction.
    #[serde(default)]
    pub secret_key: Option<Hex<B256>>,
    /// Sender; recovered from `secretKey` when absent.
    #[serde(default)]
    pub sender: Option<Hex<Address>>,
    /// Recipient; empty for a contract creation.
    #[serde(default)]
    pub to: Option<MaybeAddress>,
    /// Value variants.
    pub value: Vec<Hex<U256>>,
    /// EIP-1559 max fee.
    #[serde(default)]
    pub max_fee_per_gas: Option<Hex<U256>>,
    /// EIP-1559 priority fee.
    #[serde(default)]
    pub max_priority_fee_per_gas: Option<Hex<U256>>,
    /// EOF init codes (not supported by revm 43; ignored).
    #[serde(default)]
    pub initcodes: Option<IgnoredAny>,
    /// EIP-2930 access lists, one per `data` variant.
    #[serde(default)]
    pub access_lists: Vec<Option<Vec<AccessItem>>>,
    /// EIP-7702 authorizations.
    #[serde(default)]
    pub authorization_list: Option<Vec<Authorization>>,
    /// EIP-4844 blob hashes.
    #[serde(default)]
    pub blob_versioned_hashes: Vec<Hex<B256>>,
    /// EIP-4844 max fee per blob gas.
    #[serde(default)]
    pub max_fee_per_blob_gas: Option<Hex<U256>>,
}

/// One access-list entry.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessItem {
    /// Warmed address.
    pub address: Hex<Address>,
    /// Warmed slots.
    pub storage_keys: Vec<Hex<B256>>,
}

/// One EIP-7702 authorization tuple.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Authorization {
    /// Chain id the authorization is valid on (0: any).
    pub chain_id: Hex<U256>,
    /// Delegation target.
    pub address: Hex<Address>,
    /// Authority nonce.
    pub nonce: Hex<U256>,
    /// Signature `v` (duplicates `yParity` when both are given).
    #[serde(default)]
    pub v: Option<Hex<U256>>,
    /// Signature parity.
    #[serde(default)]
    pub y_parity: Option<Hex<U256>>,
    /// Signature `r`.
    pub r: Hex<U256>,
    /// Signature `s`.
    pub s: Hex<U256>,
    /// The filler's recovered signer (informational; revm recovers it itself).
    #[serde(default)]
    pub signer: Option<Hex<Address>>,
}

/// One expected result: the indexes of the transaction variant and the post-state commitments.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PostCase {
    /// Expected state root.
    pub hash: Hex<B256>,
    /// Expected logs hash: keccak of the RLP list of logs.
    pub logs: Hex<B256>,
    /// Which `data`, `gasLimit` and `value` variant.
    pub indexes: Indexes,
    /// Signed transaction bytes (informational).
    #[serde(default)]
    pub txbytes: Option<Hex<Bytes>>,
    /// The transaction must be rejected (any rejection satisfies it).
    #[serde(default)]
    pub expect_exception: Option<String>,
    /// Full post-state, in some fixtures (ignored: the root is compared).
    #[serde(default)]
    pub post_state: Option<IgnoredAny>,
    /// Full post-state, in some fixtures (ignored).
    #[serde(default)]
    pub state: Option<IgnoredAny>,
}

/// Indexes into the transaction matrix.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Indexes {
    /// Index into `data`.
    pub data: usize,
    /// Index into `gasLimit`.
    pub gas: usize,
    /// Index into `value`.
    pub value: usize,
}

/// A value written as a hex (or, for numbers, decimal) JSON string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hex<T>(pub T);

/// A recipient that may be the empty string (contract creation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaybeAddress(pub Option<Address>);

impl<'de, T: hex::FromHexStr> Deserialize<'de> for Hex<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(StrVisitor(|text: &str| T::from_hex_str(text).map(Hex)))
    }
}

impl<'de> Deserialize<'de> for MaybeAddress {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(StrVisitor(|text: &str| {
            if text.trim().is_empty() {
                return Ok(Self(None));
            }
            <Address as hex::FromHexStr>::from_hex_str(text).map(|a| Self(Some(a)))
        }))
    }
}

/// Parses a JSON string without keeping it.
struct StrVisitor<F>(F);

impl<'de, T, F: FnOnce(&str) -> Result<T, String>> serde::de::Visitor<'de> for StrVisitor<F> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a hex string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
        (self.0)(text).map_err(E::custom)
    }
}
