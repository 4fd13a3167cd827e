//! One (fork, index) case: revm's cfg, block and transaction from the test, the pre-state loaded
//! into a [`World`], and the transaction run through the world's own transaction path.

use world_mock::revm::bytecode::Bytecode;
use world_mock::revm::context::{BlockEnv, CfgEnv, TxEnv};
use world_mock::revm::context_interface::either::Either;
use world_mock::revm::context_interface::transaction::{
    AccessList, AccessListItem, Authorization as AuthTuple, SignedAuthorization,
};
use world_mock::revm::primitives::hardfork::SpecId;
use world_mock::revm::primitives::{Address, B256, TxKind, U256};
use world_mock::{Commit, TxOutcome, TxRejected, World};

use crate::model::{Authorization, Indexes, TestUnit};

/// revm's environment for one case.
#[derive(Clone, Debug)]
pub(crate) struct CaseEnv {
    pub(crate) cfg: CfgEnv,
    pub(crate) block: BlockEnv,
    pub(crate) tx: TxEnv,
}

/// The outcome of running a case through the world.
#[derive(Debug)]
pub(crate) struct Executed {
    /// The world after the transaction (unchanged when it was rejected).
    pub(crate) world: World,
    /// What the world reported.
    pub(crate) result: Result<TxOutcome, TxRejected>,
}

fn to_u64(value: U256) -> u64 {
    value.saturating_to()
}

fn to_u128(value: U256) -> u128 {
    value.saturating_to()
}

/// Ethereum mainnet configuration for `spec`, as revme sets it for state tests.
pub(crate) fn cfg_env(unit: &TestUnit, spec: SpecId) -> CfgEnv {
    let mut cfg = CfgEnv::new_with_spec(spec);
    cfg.chain_id = unit.env.current_chain_id.map_or(1, |id| u64::try_from(id.0).unwrap_or(1));
    // EIP-7691 raised the per-block blob count in Prague; EIP-7594 caps a transaction at 6 from Osaka.
    cfg.max_blobs_per_tx =
        Some(if spec.is_enabled_in(SpecId::PRAGUE) && !spec.is_enabled_in(SpecId::OSAKA) { 9 } else { 6 });
    cfg
}

/// The block of the test under `cfg`'s spec.
pub(crate) fn block_env(unit: &TestUnit, cfg: &CfgEnv) -> BlockEnv {
    let env = &unit.env;
    let mut block = BlockEnv {
        number: env.current_number.0,
        beneficiary: env.current_coinbase.0,
        timestamp: env.current_timestamp.0,
        gas_limit: to_u64(env.current_gas_limit.0),
        basefee: env.current_base_fee.map_or(0, |fee| to_u64(fee.0)),
        difficulty: env.current_difficulty.map_or(U256::ZERO, |d| d.0),
        prevrandao: env.current_random.map(|r| r.0),
        slot_num: env.slot_number.map_or(0, |n| to_u64(n.0)),
        ..BlockEnv::default()
    };
    if let Some(excess) = env.current_excess_blob_gas {
        block.set_blob_excess_gas_and_price(to_u64(excess.0), cfg.blob_base_fee_update_fraction());
    }
    if cfg.spec.is_enabled_in(SpecId::MERGE) && block.prevrandao.is_none() {
        block.prevrandao = Some(B256::ZERO);
    }
    block
}

/// The transaction of the case at `indexes`, or why it cannot be built (no key, bad type, …).
pub(crate) fn tx_env(unit: &TestUnit, indexes: Indexes) -> Result<TxEnv, String> {
    let parts = &unit.transaction;
    let key = parts.secret_key.ok_or("no secretKey: the transaction is not validly signed")?;
    let caller = match parts.sender {
        Some(sender) => sender.0,
        None => recover_sender(&key.0).ok_or("secretKey is not a valid secp256k1 key")?,
    };
    let pick = |len: usize, index: usize, what: &str| {
        if index < len { Ok(index) } else { Err(format!("{what} index {index} out of range (0..{len})")) }
    };
    let data = parts.data[pick(parts.data.len(), indexes.data, "data")?].0.clone();
    let gas_limit = to_u64(parts.gas_limit[pick(parts.gas_limit.len(), indexes.gas, "gas")?].0);
    let value = parts.value[pick(parts.value.len(), indexes.value, "value")?].0;
    let access_list = parts.access_lists.get(indexes.data).and_then(Option::as_ref);
    let tx_type = match parts.tx_type {
        Some(explicit) => u8::try_from(explicit.0).map_err(|_| "transaction type does not fit in a byte")?,
        None if parts.max_fee_per_blob_gas.is_some() => {
            parts.to.and_then(|to| to.0).ok_or("blob transaction without a recipient")?;
            3
        }
        None if parts.authorization_list.is_some() => {
            parts.to.and_then(|to| to.0).ok_or("set-code transaction without a recipient")?;
            4
        }
        None if parts.max_fee_per_gas.is_some() => 2,
        None if access_list.is_some() => 1,
        None => 0,
    };
    let nonce = u64::try_from(parts.nonce.0).map_err(|_| "transaction nonce does not fit in 64 bits")?;
    Ok(TxEnv {
        tx_type,
        caller,
        gas_limit,
        gas_price: to_u128(parts.gas_price.or(parts.max_fee_per_gas).map_or(U256::ZERO, |p| p.0)),
        gas_priority_fee: parts.max_priority_fee_per_gas.map(|fee| to_u128(fee.0)),
        kind: parts.to.and_then(|to| to.0).map_or(TxKind::Create, TxKind::Call),
        value,
        data,
        nonce,
        chain_id: Some(parts.chain_id.map_or(1, |id| to_u64(id.0))),
        access_list: AccessList(
            access_list
                .into_iter()
                .flatten()
                .map(|item| AccessListItem {
                    address: item.address.0,
                    storage_keys: item.storage_keys.iter().map(|k| k.0).collect(),
                })
                .collect(),
        ),
        blob_hashes: parts.blob_versioned_hashes.iter().map(|h| h.0).collect(),
        max_fee_per_blob_gas: parts.max_fee_per_blob_gas.map_or(u128::MAX, |fee| to_u128(fee.0)),
        authorization_list: parts.authorization_list.iter().flatten().map(|a| Either::Left(signed(a))).collect(),
    })
}

/// An authorization as signed; revm recovers (and validates) the authority itself.
fn signed(auth: &Authorization) -> SignedAuthorization {
    let tuple = AuthTuple { chain_id: auth.chain_id.0, address: auth.address.0, nonce: to_u64(auth.nonce.0) };
    let parity = auth.y_parity.or(auth.v).map_or(0, |p| p.0.saturating_to::<u8>());
    SignedAuthorization::new_unchecked(tuple, parity, auth.r.0, auth.s.0)
}

/// The address of a secp256k1 secret key.
pub(crate) fn recover_sender(key: &B256) -> Option<Address> {
    let key = k256::ecdsa::SigningKey::from_slice(key.as_slice()).ok()?;
    let point = key.verifying_key().to_encoded_point(false);
    Some(Address::from_raw_public_key(point.as_bytes().get(1..)?))
}

/// A world running `env`'s spec with Ethereum settings, holding the test's pre-state.
pub(crate) fn prepared_world(unit: &TestUnit, env: &CaseEnv) -> World {
    let mut world = World::new(env.cfg.spec);
    // `World::new` sets the diorama chain's values (chain id 42161, EIP-3541 off, no gas cap):
    // replace the whole configuration with the Ethereum one.
    *world.cfg_mut() = env.cfg.clone();
    world.set_arbitrum(false);
    world.set_block_env(env.block.clone());
    let state = world.state_mut();
    for (address, account) in &unit.pre {
        let address = address.0;
        let entry = state.account_mut(address);
        entry.balance = account.balance.0;
        entry.nonce = to_u64(account.nonce.0);
        let code = &account.code.0;
        if !code.is_empty() {
            match Bytecode::new_raw_checked(code.clone()) {
                Ok(_) => state.set_code(address, code),
                // Malformed EIP-7702 designator: keep the bytes as legacy code (as revme does).
                Err(_) => {
                    let entry = state.account_mut(address);
                    entry.code = Bytecode::new_legacy(code.clone());
                    entry.code_hash = world_mock::revm::primitives::keccak256(code);
                }
            }
        }
        for (key, value) in &account.storage {
            state.set_storage(address, key.0, value.0);
        }
    }
    world
}

/// Runs the case's transaction through the world (the path scenarios use).
pub(crate) fn execute(unit: &TestUnit, env: &CaseEnv) -> Executed {
    let mut world = prepared_world(unit, env);
    let result = world.execute_env(env.tx.clone(), Commit::Yes);
    Executed { world, result }
}

/// Builds the environment of the case at `indexes` under `spec`.
pub(crate) fn case_env(unit: &TestUnit, spec: SpecId, indexes: Indexes) -> Result<CaseEnv, String> {
    let cfg = cfg_env(unit, spec);
    let block = block_env(unit, &cfg);
    let tx = tx_env(unit, indexes)?;
    Ok(CaseEnv { cfg, block, tx })
}
