//! The block a transaction runs in.

use revm::context::BlockEnv;
use revm::context_interface::block::BlobExcessGasAndPrice;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, B256, U256};

/// Block gas limit when a scenario does not set one.
pub const DEFAULT_BLOCK_GAS_LIMIT: u64 = 30_000_000;
/// Chain id when a scenario does not set one (Arbitrum One).
pub const DEFAULT_CHAIN_ID: u64 = 42_161;
/// ArbOS version whose Stylus rules apply when a scenario does not choose one.
pub const DEFAULT_ARBOS_VERSION: u64 = 50;

/// Block fields a scenario can set (`setState.block`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockSettings {
    /// L2 block number (what ArbSys `arbBlockNumber()` returns).
    pub number: u64,
    /// nitro's L1 block number estimate, when set (`setState.block.l1Number`); unset, it is the
    /// L2 number. On Arbitrum the EVM's `NUMBER` (and the `BLOCKHASH` window) and the Stylus
    /// `block_number` hostio read this number, not the L2 one.
    pub l1_number: Option<u64>,
    /// Unix timestamp in seconds.
    pub timestamp: u64,
    /// EIP-1559 base fee in wei.
    pub basefee: u64,
    /// Chain id (`CHAINID`).
    pub chain_id: u64,
    /// Block producer (`COINBASE`), receives priority fees.
    pub coinbase: Address,
    /// Block gas limit; also the default gas limit of a transaction.
    pub gas_limit: u64,
    /// ArbOS version selecting Stylus rules.
    pub arbos_version: u64,
    /// `PREVRANDAO`.
    pub prevrandao: B256,
    /// Excess blob gas (EIP-4844), for the blob base fee.
    pub excess_blob_gas: u64,
}

impl Default for BlockSettings {
    fn default() -> Self {
        Self {
            number: 1,
            l1_number: None,
            timestamp: 1_700_000_000,
            basefee: 0,
            chain_id: DEFAULT_CHAIN_ID,
            coinbase: Address::ZERO,
            gas_limit: DEFAULT_BLOCK_GAS_LIMIT,
            arbos_version: DEFAULT_ARBOS_VERSION,
            prevrandao: B256::ZERO,
            excess_blob_gas: 0,
        }
    }
}

impl BlockSettings {
    /// The L1 block number estimate: `l1_number`, else the L2 number.
    pub fn l1_block_number(&self) -> u64 {
        self.l1_number.unwrap_or(self.number)
    }

    /// The revm block environment for these settings under `spec`. Its number is what the EVM's
    /// `NUMBER` returns: the L1 estimate, as on Arbitrum (geth `opNumber` asks ArbOS for it).
    pub fn to_env(&self, spec: SpecId) -> BlockEnv {
        BlockEnv {
            number: U256::from(self.l1_block_number()),
            beneficiary: self.coinbase,
            timestamp: U256::from(self.timestamp),
            gas_limit: self.gas_limit,
            basefee: self.basefee,
            difficulty: U256::ZERO,
            prevrandao: Some(self.prevrandao),
            blob_excess_gas_and_price: Some(BlobExcessGasAndPrice::new_with_spec(self.excess_blob_gas, spec)),
            ..Default::default()
        }
    }
}
