//! The chain side of a Stylus frame's hooks: storage (through the per-call cache), transient
//! storage, logs, account queries and the environment. Nested calls and creates are in
//! `calls.rs`.

use std::collections::HashMap;

use revm::context::{ContextTr, JournalTr};
use revm::context_interface::Block;
use revm::context_interface::Transaction;
use revm::primitives::{Address, B256, Bytes, Log, U256};

use super::gas::{
    CACHE_ACCESS_GAS, COLD_ACCOUNT_GAS, COLD_SLOAD_GAS, SSTORE_SENTRY_GAS, WARM_ACCOUNT_GAS, WARM_SLOAD_GAS,
};
use super::memory::page_gas_cost;
use super::{
    CallKind, FrameEnv, FrameProfile, HookError, HostioRecord, ProfileNode, StylusCall, SubCallResult, VmHooks,
};
use crate::router::Router;
use crate::world::WorldCtx;

/// One entry of the per-invocation storage cache (stylus-semantics §3.3).
#[derive(Clone, Copy, Debug)]
struct CacheSlot {
    value: B256,
    known: Option<B256>,
}

/// The chain side of one Stylus frame's hooks.
#[derive(Debug)]
pub struct FrameHooks<'a> {
    pub(super) ctx: &'a mut WorldCtx,
    pub(super) router: Router,
    pub(super) call: StylusCall,
    cache: HashMap<B256, CacheSlot>,
    cache_reads: u64,
    cache_writes: u64,
    /// Return data of the last nested call or create.
    pub(super) return_data: Bytes,
    /// SSTORE refunds of this frame plus those of successful sub-calls.
    pub(super) refund: i64,
    /// A harness error (not contract behaviour) that must abort the transaction.
    pub(super) fatal: Option<String>,
    /// Gas charged by this frame's nested calls and creates (base costs included), so that the
    /// transaction's ink counts each frame's own ink once.
    pub(super) call_gas: u64,
    /// The frame's hostio calls, when traced (`None`: not traced).
    pub(super) hostios: Option<Vec<HostioRecord>>,
    /// Whether the frame's ink is profiled by function.
    pub(super) profiling: bool,
    /// The frame's ink profile, once the executor recorded it.
    pub(super) profile: Option<FrameProfile>,
}

impl<'a> FrameHooks<'a> {
    pub(crate) fn new(ctx: &'a mut WorldCtx, router: Router, call: StylusCall) -> Self {
        Self {
            ctx,
            router,
            call,
            cache: HashMap::new(),
            cache_reads: 0,
            cache_writes: 0,
            return_data: Bytes::new(),
            refund: 0,
            fatal: None,
            call_gas: 0,
            hostios: None,
            profiling: false,
            profile: None,
        }
    }

    /// The frame being run.
    pub fn frame(&self) -> &StylusCall {
        &self.call
    }

    /// A call site announced for a nested call that opened no frame must not reach a later one.
    fn forget_call_site(&mut self) {
        if let Some(trace) = self.router.log.borrow_mut().trace.as_mut() {
            trace.pending_call_site = None;
        }
    }

    fn require(gas_left: u64, needed: u64, what: &str) -> Result<(), HookError> {
        if gas_left < needed {
            return Err(HookError::out_of_gas(format!("{what} needs {needed} gas, {gas_left} left")));
        }
        Ok(())
    }

    pub(super) fn forbid_static(&self, what: &str) -> Result<(), HookError> {
        if self.call.is_static {
            return Err(HookError::failure(format!("{what} in a static call")));
        }
        Ok(())
    }

    fn account_access_cost(&mut self, address: Address) -> u64 {
        let journal = self.ctx.journal_mut();
        match journal.load_account(address) {
            Ok(load) if load.is_cold => COLD_ACCOUNT_GAS,
            _ => WARM_ACCOUNT_GAS,
        }
    }
}

impl VmHooks for FrameHooks<'_> {
    fn storage_load(&mut self, key: B256, gas_left: u64, evm_api_gas: u64) -> Result<(B256, u64), HookError> {
        Self::require(gas_left, COLD_SLOAD_GAS + CACHE_ACCESS_GAS + evm_api_gas, "storage_load_bytes32")?;
        self.cache_reads += 1;
        let bookkeeping = match self.cache_reads {
            0..=32 => 0,
            33..=128 => 2,
            _ => 10,
        };
        if let Some(slot) = self.cache.get(&key) {
            return Ok((slot.value, bookkeeping));
        }
        let contract = self.call.contract;
        let load = self.ctx.journal_mut().sload(contract, key.into()).map_err(|e| HookError::failure(e.to_string()))?;
        let value = B256::from(load.data);
        self.cache.insert(key, CacheSlot { value, known: Some(value) });
        let access = if load.is_cold { COLD_SLOAD_GAS } else { WARM_SLOAD_GAS };
        Ok((value, bookkeeping + access + evm_api_gas))
    }

    fn storage_cache(&mut self, key: B256, value: B256, gas_left: u64) -> Result<u64, HookError> {
        Self::require(gas_left, SSTORE_SENTRY_GAS + CACHE_ACCESS_GAS, "storage_cache_bytes32")?;
        self.cache_writes += 1;
        let bookkeeping = match self.cache_writes {
            0..=8 => 0,
            9..=64 => 7,
            _ => 10,
        };
        self.cache.entry(key).and_modify(|slot| slot.value = value).or_insert(CacheSlot { value, known: None });
        Ok(bookkeeping)
    }

    fn storage_flush(&mut self, clear: bool, gas_left: u64) -> Result<u64, HookError> {
        let mut dirty: Vec<(B256, B256)> =
            self.cache.iter().filter(|(_, s)| s.known != Some(s.value)).map(|(k, s)| (*k, s.value)).collect();
        if dirty.is_empty() {
            if clear {
                self.cache.clear();
            }
            return Ok(0);
        }
        self.forbid_static("storage_flush_cache")?;
        Self::require(gas_left, SSTORE_SENTRY_GAS, "storage_flush_cache")?;
        dirty.sort();
        let contract = self.call.contract;
        let mut cost = 0u64;
        for (key, value) in dirty {
            let load = self
                .ctx
                .journal_mut()
                .sstore(contract, key.into(), value.into())
                .map_err(|e| HookError::failure(e.to_string()))?;
            let gas_params = &self.ctx.cfg.gas_params;
            let slot_cost =
                gas_params.sstore_static_gas() + gas_params.sstore_dynamic_gas(true, &load.data, load.is_cold);
            self.refund += gas_params.sstore_refund(true, &load.data);
            cost = cost.saturating_add(slot_cost);
            if cost > gas_left {
                // nitro's SetTrieSlots reports Failure before ArbOS 50, OutOfGas from it (the
                // hostio then buys more than is left: out of ink).
                let message = format!("storage flush needs {cost} gas, {gas_left} left");
                return Err(if self.router.params.arbos_version >= 50 {
                    HookError::out_of_gas(message)
                } else {
                    HookError::failure(message)
                });
            }
            if let Some(slot) = self.cache.get_mut(&key) {
                slot.known = Some(value);
            }
        }
        if clear {
            self.cache.clear();
        }
        Ok(cost)
    }

    fn transient_load(&mut self, key: B256) -> Result<(B256, u64), HookError> {
        let value = self.ctx.journal_mut().tload(self.call.contract, key.into());
        Ok((B256::from(value), 100))
    }

    fn transient_store(&mut self, key: B256, value: B256) -> Result<u64, HookError> {
        self.forbid_static("transient_store_bytes32")?;
        self.ctx.journal_mut().tstore(self.call.contract, key.into(), value.into());
        Ok(100)
    }

    fn emit_log(&mut self, topics: Vec<B256>, data: Bytes, gas_left: u64) -> Result<u64, HookError> {
        self.forbid_static("emit_log")?;
        if topics.len() > 4 {
            return Err(HookError::failure(format!("emit_log with {} topics", topics.len())));
        }
        let cost = 375 * (1 + topics.len() as u64) + 8 * data.len() as u64;
        Self::require(gas_left, cost, "emit_log")?;
        self.ctx.journal_mut().log(Log::new_unchecked(self.call.contract, topics, data));
        Ok(cost)
    }

    fn account_balance(&mut self, address: Address, gas_left: u64) -> Result<(U256, u64), HookError> {
        Self::require(gas_left, COLD_ACCOUNT_GAS, "account_balance")?;
        let cost = self.account_access_cost(address);
        let balance = self.ctx.journal_mut().load_account(address).map(|a| a.data.info.balance).unwrap_or_default();
        Ok((balance, cost))
    }

    fn account_code(&mut self, address: Address, gas_left: u64) -> Result<(Bytes, u64), HookError> {
        Self::require(gas_left, COLD_ACCOUNT_GAS, "account_code")?;
        let cost = 700 + self.account_access_cost(address);
        let code = self.ctx.journal_mut().code(address).map(|c| c.data).unwrap_or_default();
        Ok((code, cost))
    }

    fn account_codehash(&mut self, address: Address, gas_left: u64) -> Result<(B256, u64), HookError> {
        Self::require(gas_left, COLD_ACCOUNT_GAS, "account_codehash")?;
        let cost = self.account_access_cost(address);
        let hash = self.ctx.journal_mut().code_hash(address).map(|c| c.data).unwrap_or_default();
        Ok((hash, cost))
    }

    fn call(
        &mut self,
        kind: CallKind,
        to: Address,
        data: Bytes,
        value: U256,
        gas_left: u64,
        gas_req: u64,
    ) -> Result<SubCallResult, HookError> {
        let result = self.nested_call(kind, to, data, value, gas_left, gas_req);
        self.forget_call_site();
        if let Ok(done) = &result {
            self.call_gas = self.call_gas.saturating_add(done.gas_cost);
        }
        result
    }

    fn create(
        &mut self,
        code: Bytes,
        endowment: U256,
        salt: Option<B256>,
        gas_left: u64,
    ) -> Result<SubCallResult, HookError> {
        let result = self.nested_create(code, endowment, salt, gas_left);
        self.forget_call_site();
        if let Ok(done) = &result {
            self.call_gas = self.call_gas.saturating_add(done.gas_cost);
        }
        result
    }

    fn return_data(&self) -> &[u8] {
        &self.return_data
    }

    fn msg_reentrant(&self) -> bool {
        self.router.log.borrow().open_frames.reentrant(self.call.depth, self.call.contract)
    }

    fn env(&self) -> FrameEnv {
        let block = &self.ctx.block;
        FrameEnv {
            basefee: U256::from(block.basefee()),
            coinbase: block.beneficiary(),
            gas_limit: block.gas_limit(),
            // The L1 block number estimate (revm's block number on Arbitrum worlds).
            number: block.number().saturating_to(),
            timestamp: block.timestamp().saturating_to(),
            chain_id: self.ctx.cfg.chain_id,
            origin: self.ctx.tx.caller(),
            gas_price: U256::from(self.ctx.tx.effective_gas_price(u128::from(block.basefee()))),
            ink_price: self.router.params.ink_price,
            arbos_version: self.router.params.arbos_version,
        }
    }

    fn traces_hostios(&self) -> bool {
        self.hostios.is_some()
    }

    fn record_hostio(&mut self, record: HostioRecord) {
        if let Some(hostios) = &mut self.hostios {
            hostios.push(record);
        }
    }

    fn profiles_functions(&self) -> bool {
        self.profiling
    }

    fn profile_call_site(&mut self, stack: Vec<ProfileNode>) {
        if let Some(trace) = self.router.log.borrow_mut().trace.as_mut() {
            trace.pending_call_site = Some(stack);
        }
    }

    fn record_profile(&mut self, profile: FrameProfile) {
        if self.profiling {
            self.profile = Some(profile);
        }
    }

    fn add_pages(&mut self, pages: u16) -> u64 {
        // Memory model (stylus-semantics §2.4): price the pages against the counters as they
        // were, then keep them open until the frame that opened them returns.
        let before = self.router.log.borrow_mut().pages.add(pages);
        let params = &self.router.params;
        page_gas_cost(pages, before.open, before.ever, params.free_pages, params.page_gas)
    }
}
