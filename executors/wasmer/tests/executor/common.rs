//! A fake chain for the executor: storage, logs, pages and nested calls, no world needed.

use std::collections::HashMap;
use std::sync::Arc;

use executor_wasmer::{CacheOptions, WasmerExecutor};
use world_mock::revm::primitives::{Address, B256, Bytes, U256};
use world_mock::stylus::{
    CallKind, FrameEnv, FrameProfile, HookError, ProfileNode, ProgramInfo, StylusCall, StylusExecutor, StylusOutcome,
    StylusParams, SubCallResult, VmHooks,
};

pub(crate) const INK_PRICE: u64 = 10_000;
pub(crate) const GAS: u64 = 1_000_000;

/// Gas the fake chain charges for its work (arbitrary, fixed, so tests can add them up).
pub(crate) const SLOAD_GAS: u64 = 2_105;
pub(crate) const SSTORE_GAS: u64 = 20_000;
pub(crate) const PAGE_GAS: u64 = 1_000;

/// A program to run: WAT text, calldata, gas.
pub(crate) fn call(wat: &str, calldata: &[u8], gas: u64) -> StylusCall {
    call_wasm(wat::parse_str(wat).expect("test WAT must parse"), calldata, gas)
}

/// A program to run: WASM bytes, calldata, gas.
pub(crate) fn call_wasm(wasm: Vec<u8>, calldata: &[u8], gas: u64) -> StylusCall {
    StylusCall {
        code: Bytes::new(),
        code_address: Address::repeat_byte(0xc0),
        contract: Address::repeat_byte(0xc0),
        caller: Address::repeat_byte(0xca),
        value: U256::from(7),
        calldata: Bytes::copy_from_slice(calldata),
        gas_limit: gas,
        is_static: false,
        depth: 1,
        wasm: Arc::new(wasm),
        program: ProgramInfo::default(),
        ink_limit: gas * INK_PRICE,
        params: StylusParams::default(),
    }
}

/// A memory-only executor.
pub(crate) fn executor() -> WasmerExecutor {
    WasmerExecutor::new(CacheOptions::memory_only())
}

/// Runs `wat` with fresh fake hooks.
pub(crate) fn run(wat: &str, calldata: &[u8]) -> (StylusOutcome, FakeHooks) {
    let mut hooks = FakeHooks::default();
    let outcome = executor().execute(&call(wat, calldata, GAS), &mut hooks);
    (outcome, hooks)
}

/// A nested Stylus frame the fake chain runs on `call` hooks (re-entry through the executor).
pub(crate) struct Nested {
    pub(crate) executor: Arc<WasmerExecutor>,
    pub(crate) call: StylusCall,
}

#[derive(Default)]
pub(crate) struct FakeHooks {
    pub(crate) storage: HashMap<B256, B256>,
    pub(crate) cache: HashMap<B256, B256>,
    pub(crate) logs: Vec<(Vec<B256>, Bytes)>,
    pub(crate) pages_requested: Vec<u16>,
    pub(crate) open_pages: u32,
    pub(crate) return_data: Vec<u8>,
    pub(crate) calls: Vec<(CallKind, Address, Bytes, u64)>,
    pub(crate) nested: Option<Nested>,
    pub(crate) nested_outcome: Option<StylusOutcome>,
    /// Pages cost nothing and are never refused.
    pub(crate) free_pages: bool,
    /// Ask for the frame's ink profile.
    pub(crate) profiling: bool,
    pub(crate) profile: Option<FrameProfile>,
    pub(crate) call_sites: Vec<Vec<ProfileNode>>,
}

impl VmHooks for FakeHooks {
    fn storage_load(&mut self, key: B256, _gas_left: u64, _api_gas: u64) -> Result<(B256, u64), HookError> {
        let value = self.cache.get(&key).or(self.storage.get(&key)).copied().unwrap_or_default();
        Ok((value, SLOAD_GAS))
    }

    fn storage_cache(&mut self, key: B256, value: B256, _gas_left: u64) -> Result<u64, HookError> {
        self.cache.insert(key, value);
        Ok(0)
    }

    fn storage_flush(&mut self, clear: bool, gas_left: u64) -> Result<u64, HookError> {
        let cost = SSTORE_GAS * self.cache.len() as u64;
        if cost > gas_left {
            return Err(HookError::out_of_gas("flush"));
        }
        self.storage.extend(self.cache.iter().map(|(k, v)| (*k, *v)));
        if clear {
            self.cache.clear();
        }
        Ok(cost)
    }

    fn transient_load(&mut self, _key: B256) -> Result<(B256, u64), HookError> {
        Ok((B256::ZERO, 100))
    }

    fn transient_store(&mut self, _key: B256, _value: B256) -> Result<u64, HookError> {
        Ok(100)
    }

    fn emit_log(&mut self, topics: Vec<B256>, data: Bytes, _gas_left: u64) -> Result<u64, HookError> {
        let gas = 375 * (1 + topics.len() as u64) + 8 * data.len() as u64;
        self.logs.push((topics, data));
        Ok(gas)
    }

    fn account_balance(&mut self, _address: Address, _gas_left: u64) -> Result<(U256, u64), HookError> {
        Ok((U256::from(1234), 2_600))
    }

    fn account_code(&mut self, _address: Address, _gas_left: u64) -> Result<(Bytes, u64), HookError> {
        Ok((Bytes::from_static(b"0123456789"), 3_300))
    }

    fn account_codehash(&mut self, _address: Address, _gas_left: u64) -> Result<(B256, u64), HookError> {
        Ok((B256::repeat_byte(0x11), 100))
    }

    fn call(
        &mut self,
        kind: CallKind,
        to: Address,
        data: Bytes,
        _value: U256,
        gas_left: u64,
        gas_req: u64,
    ) -> Result<SubCallResult, HookError> {
        self.calls.push((kind, to, data.clone(), gas_req));
        let Some(nested) = &self.nested else {
            self.return_data = b"returned".to_vec();
            return Ok(SubCallResult { status: 0, gas_cost: 700, created: None });
        };
        let mut call = nested.call.clone();
        call.calldata = data;
        call.gas_limit = gas_req.min(gas_left);
        call.ink_limit = call.gas_limit * INK_PRICE;
        let mut inner = FakeHooks::default();
        let outcome = nested.executor.execute(&call, &mut inner);
        self.return_data = outcome.output.to_vec();
        let status = if outcome.status == world_mock::stylus::StylusStatus::Success { 0 } else { 2 };
        let gas_cost = outcome.gas_used;
        self.nested_outcome = Some(outcome);
        Ok(SubCallResult { status, gas_cost, created: None })
    }

    fn create(
        &mut self,
        _code: Bytes,
        _endowment: U256,
        _salt: Option<B256>,
        _gas_left: u64,
    ) -> Result<SubCallResult, HookError> {
        self.return_data.clear();
        Ok(SubCallResult { status: 0, gas_cost: 32_000, created: Some(Address::repeat_byte(0xee)) })
    }

    fn return_data(&self) -> &[u8] {
        &self.return_data
    }

    fn msg_reentrant(&self) -> bool {
        false
    }

    fn env(&self) -> FrameEnv {
        FrameEnv {
            basefee: U256::from(100),
            coinbase: Address::repeat_byte(0xcb),
            gas_limit: 30_000_000,
            number: 42,
            timestamp: 1_700_000_000,
            chain_id: 412_346,
            origin: Address::repeat_byte(0x0a),
            gas_price: U256::from(100),
            ink_price: INK_PRICE as u32,
            arbos_version: 50,
        }
    }

    fn profiles_functions(&self) -> bool {
        self.profiling
    }

    fn profile_call_site(&mut self, stack: Vec<ProfileNode>) {
        self.call_sites.push(stack);
    }

    fn record_profile(&mut self, profile: FrameProfile) {
        self.profile = Some(profile);
    }

    fn add_pages(&mut self, pages: u16) -> u64 {
        self.pages_requested.push(pages);
        self.open_pages += u32::from(pages);
        if self.free_pages {
            return 0;
        }
        if self.open_pages > 128 { u64::MAX } else { PAGE_GAS * u64::from(pages) }
    }
}

/// A module with `imports`, one fixed 1-page exported memory and this entrypoint body.
pub(crate) fn module(imports: &str, body: &str) -> String {
    format!(
        r#"(module {imports}
             (memory (export "memory") 1 1)
             (func (export "user_entrypoint") (param $len i32) (result i32) {body}))"#
    )
}

/// What one frame did, as far as anyone can observe it.
pub(crate) fn observe(outcome: &StylusOutcome, hooks: &FakeHooks) -> String {
    let mut storage: Vec<_> = hooks.storage.iter().collect();
    storage.sort();
    format!(
        "{:?} {:?} gas {} ink {:?} {:?} | storage {storage:?} logs {:?} pages {:?} calls {:?}",
        outcome.status,
        outcome.output,
        outcome.gas_used,
        outcome.ink_used,
        outcome.detail,
        hooks.logs,
        hooks.pages_requested,
        hooks.calls
    )
}
