//! `setState` and `checkState` bodies.

use super::{Ctx, Result};
use crate::model::{
    AccountCheck, AccountState, ArbitrumState, BlockState, CheckState, NewAddress, ProgramCheck, SetState, StorageCheck,
};
use crate::path::At;
use crate::raw::{
    AccountCheckRaw, AccountRaw, ArbitrumRaw, BlockRaw, CheckMap, CheckStateRaw, RawMap, SetStateRaw, ValueRaw,
};
use crate::value::{AddressValue, WordValue};
use alloy_primitives::{Address, B256};
use std::collections::HashMap;

pub(super) fn set_state(ctx: &Ctx<'_>, raw: &mut SetStateRaw, at: &At<'_>) -> Result<SetState> {
    let accounts_at = at.key("accounts");
    let accounts = match &mut raw.accounts {
        Some(map) => keyed_accounts(ctx, &mut map.0, &accounts_at, account)?,
        None => Vec::new(),
    };
    let block = ctx.opt(&mut raw.block, at, "block", block)?;
    let arbitrum = ctx.opt(&mut raw.arbitrum, at, "arbitrum", arbitrum)?;
    let mut new_addresses = Vec::new();
    let list_at = at.key("newAddresses");
    for (i, n) in raw.new_addresses.iter_mut().flatten().enumerate() {
        let at = list_at.index(i);
        new_addresses.push(NewAddress {
            creator: ctx.address(&mut n.creator, &at.key("creator"))?,
            nonce: ctx.u64(&mut n.nonce, &at.key("nonce"))?,
            address: ctx.address(&mut n.address, &at.key("address"))?,
        });
    }
    Ok(SetState { accounts, block, arbitrum, new_addresses })
}

fn account(ctx: &Ctx<'_>, raw: &mut AccountRaw, at: &At<'_>) -> Result<AccountState> {
    let activate = raw.activate.unwrap_or(false);
    if activate && raw.code.is_none() {
        return Err(ctx.err_key(&at.key("activate"), "`activate: true` needs `code` in the same account"));
    }
    let storage = match &mut raw.storage {
        Some(RawMap(entries)) => {
            let at = at.key("storage");
            keyed_words(ctx, entries, &at, |ctx, v, at| ctx.word(v, at))?
        }
        None => Vec::new(),
    };
    Ok(AccountState {
        balance: ctx.opt(&mut raw.balance, at, "balance", Ctx::u256)?,
        nonce: ctx.opt(&mut raw.nonce, at, "nonce", Ctx::u64)?,
        code: ctx.opt(&mut raw.code, at, "code", Ctx::code)?,
        storage,
        activate,
    })
}

fn block(ctx: &Ctx<'_>, raw: &mut BlockRaw, at: &At<'_>) -> Result<BlockState> {
    Ok(BlockState {
        number: ctx.opt(&mut raw.number, at, "number", Ctx::u256)?,
        timestamp: ctx.opt(&mut raw.timestamp, at, "timestamp", Ctx::u256)?,
        basefee: ctx.opt(&mut raw.basefee, at, "basefee", Ctx::u64)?,
        chain_id: ctx.opt(&mut raw.chain_id, at, "chainId", Ctx::u64)?,
        coinbase: ctx.opt(&mut raw.coinbase, at, "coinbase", Ctx::address)?,
        gas_limit: ctx.opt(&mut raw.gas_limit, at, "gasLimit", Ctx::u64)?,
        arbos_version: ctx.opt(&mut raw.arbos_version, at, "arbosVersion", Ctx::u64)?,
        l1_number: ctx.opt(&mut raw.l1_number, at, "l1Number", Ctx::u64)?,
    })
}

/// A number that fits `T` (`u8`, `u16`), with the range in the message.
fn small<T: TryFrom<u64>>(ctx: &Ctx<'_>, raw: &mut ValueRaw, at: &At<'_>) -> Result<T> {
    let value = ctx.u64(raw, at)?;
    let max = (1u128 << (8 * std::mem::size_of::<T>())) - 1;
    T::try_from(value).map_err(|_| ctx.err(at, format!("{value} does not fit: expected at most {max}")))
}

/// A list of addresses; the same address twice is an error.
fn addresses(ctx: &Ctx<'_>, list: &mut [ValueRaw], at: &At<'_>) -> Result<Vec<crate::value::AddressValue>> {
    let mut out: Vec<crate::value::AddressValue> = Vec::new();
    for (i, raw) in list.iter_mut().enumerate() {
        let item_at = at.index(i);
        let address = ctx.address(raw, &item_at)?;
        if let Some(first) = out.iter().find(|a| a.value == address.value) {
            return Err(ctx.err(&item_at, format!("`{}` is listed twice (as `{}`)", address.original, first.original)));
        }
        out.push(address);
    }
    Ok(out)
}

fn arbitrum(ctx: &Ctx<'_>, raw: &mut ArbitrumRaw, at: &At<'_>) -> Result<ArbitrumState> {
    let list = |field: &mut Option<Vec<ValueRaw>>, key: &str| {
        field.as_mut().map(|list| addresses(ctx, list, &at.key(key))).transpose()
    };
    Ok(ArbitrumState {
        chain_owners: list(&mut raw.chain_owners, "chainOwners")?,
        cache_managers: list(&mut raw.cache_managers, "cacheManagers")?,
        network_fee_account: ctx.opt(&mut raw.network_fee_account, at, "networkFeeAccount", Ctx::address)?,
        infra_fee_account: ctx.opt(&mut raw.infra_fee_account, at, "infraFeeAccount", Ctx::address)?,
        l1_base_fee: ctx.opt(&mut raw.l1_base_fee, at, "l1BaseFee", Ctx::u256)?,
        minimum_gas_price: ctx.opt(&mut raw.minimum_gas_price, at, "minimumGasPrice", Ctx::u256)?,
        stylus_version: ctx.opt(&mut raw.stylus_version, at, "stylusVersion", small::<u16>)?,
        activation_gas: ctx.opt(&mut raw.activation_gas, at, "activationGas", Ctx::u64)?,
        expiry_days: ctx.opt(&mut raw.expiry_days, at, "expiryDays", small::<u16>)?,
        keepalive_days: ctx.opt(&mut raw.keepalive_days, at, "keepaliveDays", small::<u16>)?,
        block_cache_size: ctx.opt(&mut raw.block_cache_size, at, "blockCacheSize", small::<u16>)?,
        max_fragment_count: ctx.opt(&mut raw.max_fragment_count, at, "maxFragmentCount", small::<u8>)?,
    })
}

pub(super) fn check_state(ctx: &Ctx<'_>, raw: &mut CheckStateRaw, at: &At<'_>) -> Result<CheckState> {
    let accounts_at = at.key("accounts");
    let accounts = keyed_accounts(ctx, &mut raw.accounts.entries, &accounts_at, account_check)?;
    Ok(CheckState { accounts, open: raw.accounts.more })
}

fn account_check(ctx: &Ctx<'_>, raw: &mut AccountCheckRaw, at: &At<'_>) -> Result<AccountCheck> {
    let storage = match &mut raw.storage {
        Some(CheckMap { entries, more }) => {
            let at = at.key("storage");
            let slots = keyed_words(ctx, entries, &at, |ctx, v, at| ctx.check(v, at, Ctx::word))?;
            Some(StorageCheck { slots, open: *more })
        }
        None => None,
    };
    let program = match &mut raw.program {
        Some(p) => {
            let at = at.key("program");
            let num = |v: &mut ValueRaw, at: &At<'_>| ctx.check(v, at, Ctx::u64);
            let opt_num = |v: &mut Option<ValueRaw>, key| ctx.opt(v, &at, key, |_, v, at| num(v, at));
            Some(ProgramCheck {
                activated: p.activated,
                version: opt_num(&mut p.version, "version")?,
                footprint: opt_num(&mut p.footprint, "footprint")?,
                init_cost: opt_num(&mut p.init_cost, "initCost")?,
                cached_cost: opt_num(&mut p.cached_cost, "cachedCost")?,
                module_hash: ctx.opt(&mut p.module_hash, &at, "moduleHash", |c, v, at| c.check(v, at, Ctx::word))?,
            })
        }
        None => None,
    };
    Ok(AccountCheck {
        balance: ctx.opt(&mut raw.balance, at, "balance", |c, v, at| c.check(v, at, Ctx::u256))?,
        nonce: ctx.opt(&mut raw.nonce, at, "nonce", |c, v, at| c.check(v, at, Ctx::u64))?,
        code: ctx.opt(&mut raw.code, at, "code", |c, v, at| c.check(v, at, Ctx::code))?,
        storage,
        program,
    })
}

/// Accounts keyed by address expressions; two keys naming the same address are an error.
fn keyed_accounts<R, T>(
    ctx: &Ctx<'_>,
    entries: &mut [(String, R)],
    at: &At<'_>,
    f: impl Fn(&Ctx<'_>, &mut R, &At<'_>) -> Result<T>,
) -> Result<Vec<(AddressValue, T)>> {
    let mut seen: HashMap<Address, String> = HashMap::new();
    let mut out = Vec::new();
    for (key, value) in entries {
        let key_at = at.key(key);
        let address = ctx
            .address(&mut ValueRaw::Str(key.clone()), &key_at)
            .map_err(|e| ctx.err_key(&key_at, format!("account key: {}", e.message)))?;
        if let Some(first) = seen.insert(address.value, key.clone()) {
            return Err(ctx.err_key(&key_at, format!("`{key}` is the same address as `{first}`")));
        }
        out.push((address, f(ctx, value, &key_at)?));
    }
    Ok(out)
}

/// Storage keyed by slot expressions (32-byte words); equal slots are an error.
fn keyed_words<T>(
    ctx: &Ctx<'_>,
    entries: &mut [(String, ValueRaw)],
    at: &At<'_>,
    f: impl Fn(&Ctx<'_>, &mut ValueRaw, &At<'_>) -> Result<T>,
) -> Result<Vec<(WordValue, T)>> {
    let mut seen: HashMap<B256, String> = HashMap::new();
    let mut out = Vec::new();
    for (key, value) in entries {
        let key_at = at.key(key);
        let slot = ctx
            .word(&mut ValueRaw::Str(key.clone()), &key_at)
            .map_err(|e| ctx.err_key(&key_at, format!("storage key: {}", e.message)))?;
        if let Some(first) = seen.insert(slot.value, key.clone()) {
            return Err(ctx.err_key(&key_at, format!("`{key}` is the same slot as `{first}`")));
        }
        out.push((slot, f(ctx, value, &key_at)?));
    }
    Ok(out)
}
