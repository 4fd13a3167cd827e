//! Gas the chain charges Stylus frames for state access (EIP-2929/2200 as nitro's
//! `operations_acl_arbitrum.go` applies them), shared by the hooks and the executors' "require"
//! checks so that both use one figure.

/// A warm storage read (EIP-2929).
pub const WARM_SLOAD_GAS: u64 = 100;
/// A cold storage read (EIP-2929).
pub const COLD_SLOAD_GAS: u64 = 2_100;
/// A warm account access (EIP-2929).
pub const WARM_ACCOUNT_GAS: u64 = 100;
/// A cold account access (EIP-2929).
pub const COLD_ACCOUNT_GAS: u64 = 2_600;
/// The SSTORE sentry (EIP-2200): a write needs this much gas left.
pub const SSTORE_SENTRY_GAS: u64 = 2_300;
/// The most bookkeeping gas the storage cache charges per access.
pub const CACHE_ACCESS_GAS: u64 = 10;
/// The ArbOS version that fixed Stylus charging (flush gas, the SLOAD request's cost).
pub const ARBOS_CHARGING_FIXES: u64 = 32;
