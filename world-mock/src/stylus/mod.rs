//! The seam between the chain and Stylus executors (the MultiversX "Big Diagram" split):
//! revm is the high-level VM; a call frame whose code is a Stylus program is routed to a
//! [`StylusExecutor`], which runs it and reaches the chain only through [`VmHooks`].
//!
//! Hooks speak in EVM gas: each returns the gas its chain-side work costs (EIP-2929 warm/cold
//! accesses, SSTORE, logs, nested calls), and the executor converts that to its own units
//! (ink for the WASM executor) on top of its own per-hostio base prices.

pub mod activation;
mod calls;
pub(crate) mod code;
pub mod data_pricer;
mod entry;
mod frame;
pub mod gas;
mod hooks;
mod memory;
mod profile;
pub(crate) mod records;
mod reentrancy;
mod routes;

pub use crate::arbos::ARBWASM;
pub use crate::arbos::arbwasm::{PROGRAM_ACTIVATED, PROGRAM_LIFETIME_EXTENDED, inactive_error_data};
pub use activation::{
    ACTIVATION_FIXED_GAS, ActivationError, ActivationInfo, HookSignature, ModuleStats, VM_HOOKS, VM_HOOKS_MODULE,
    ValType, activate_wasm, hook_signature, module_hash,
};

/// The 4-byte selector of a function or error signature.
pub fn selector(signature: &str) -> [u8; 4] {
    let hash = revm::primitives::keccak256(signature.as_bytes());
    [hash[0], hash[1], hash[2], hash[3]]
}
pub use code::{
    DICTIONARY_NONE, FragmentSource, MAX_CODE_SIZE, ProgramError, StylusRoot, decode_program, encode_fragments,
    encode_program, program_wasm,
};
pub use data_pricer::{DataPricer, approx_exp_bips};
pub use entry::{cached_gas, entry_gas, footprint_gas, init_gas, program_call_gas, return_data_gas};
pub use frame::INK_PRICE;
pub(crate) use frame::run_frame;
pub use hooks::FrameHooks;
pub use memory::{PageCounters, page_gas_cost};
pub use profile::{FrameProfile, ProfileNode};
pub(crate) use records::ArbosStorage;

/// Whether `record` lets its program run at `now` under `params` (activated at the current
/// version, not expired).
pub(crate) fn records_active(record: Option<ProgramRecord>, params: &StylusParams, now: u64) -> bool {
    records::active(record, params, now).is_ok()
}
pub use records::{ARBOS_STATE, InactiveProgram, ProgramRecord};
pub(crate) use reentrancy::OpenFrames;
pub use routes::ExecutorRoutes;

use revm::primitives::{Address, B256, Bytes, U256};

use crate::world::WorldCtx;

/// Access to the one concrete revm context, from the top-level EVM or a nested one.
pub trait RootCtx {
    /// The world's context.
    fn root(&mut self) -> &mut WorldCtx;
}

impl RootCtx for WorldCtx {
    fn root(&mut self) -> &mut WorldCtx {
        self
    }
}

impl RootCtx for &mut WorldCtx {
    fn root(&mut self) -> &mut WorldCtx {
        self
    }
}

/// A Stylus frame to run.
#[derive(Clone, Debug)]
pub struct StylusCall {
    /// The program's on-chain code (`EF F0 00` + dictionary byte + compressed WASM).
    pub code: Bytes,
    /// The account whose code runs (differs from `contract` in a delegate call).
    pub code_address: Address,
    /// The account whose storage and balance the frame uses.
    pub contract: Address,
    /// `msg.sender`.
    pub caller: Address,
    /// `msg.value`.
    pub value: U256,
    /// Calldata.
    pub calldata: Bytes,
    /// EVM gas the program may use: the frame's gas less the call's entry cost (memory pages
    /// and init gas), so `ink_limit = gas_limit · ink_price`.
    pub gas_limit: u64,
    /// Writes are forbidden (static call).
    pub is_static: bool,
    /// Call depth of this frame (1 for the transaction's own frame).
    pub depth: usize,
    /// The decompressed WASM (validated when the program was activated).
    pub wasm: std::sync::Arc<Vec<u8>>,
    /// The program's activation record.
    pub program: ProgramInfo,
    /// Ink the frame may use: the gas left after the call's entry cost, times the ink price.
    pub ink_limit: u64,
    /// The Stylus parameters in force.
    pub params: StylusParams,
}

/// What activation recorded about a program (nitro's `Program` word plus the module hash).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProgramInfo {
    /// Keccak of the account's code.
    pub codehash: B256,
    /// Hash identifying the instrumented module (the key of compiled-module caches).
    pub module_hash: B256,
    /// Stylus version it was activated under.
    pub version: u16,
    /// Initial memory pages.
    pub footprint: u16,
    /// Init cost (gas units before scaling, §1.5).
    pub init_cost: u16,
    /// Cached init cost (§1.5).
    pub cached_cost: u16,
    /// Estimated native code size in bytes.
    pub asm_estimate: u32,
    /// Whether the program is in the (ArbWasmCache) cache.
    pub cached: bool,
}

/// Chain parameters for Stylus (nitro `StylusParams`, stylus-semantics §1.8 and §10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StylusParams {
    /// ArbOS version whose gates apply.
    pub arbos_version: u64,
    /// Current Stylus version (2).
    pub version: u16,
    /// Ink per gas (10,000).
    pub ink_price: u32,
    /// Stack budget in words (22,000 from ArbOS 50).
    pub max_stack_depth: u32,
    /// Pages free of charge per transaction (2).
    pub free_pages: u16,
    /// Gas per page beyond the free ones (1,000).
    pub page_gas: u16,
    /// Pages a transaction may open (128).
    pub page_limit: u16,
    /// Minimum init gas, in units of 128 gas (69 for v2).
    pub min_init_gas: u8,
    /// Minimum cached init gas, in units of 32 gas (11).
    pub min_cached_init_gas: u8,
    /// Init cost scalar, percent / 2 (50).
    pub init_cost_scalar: u8,
    /// Cached cost scalar, percent / 2 (50).
    pub cached_cost_scalar: u8,
    /// Largest decompressed program in bytes (128 KiB).
    pub max_wasm_size: u32,
    /// Days after activation a program expires (`ExpiryDays`, 365).
    pub expiry_days: u16,
    /// Days after activation before `codehashKeepalive` is allowed (`KeepaliveDays`, 31).
    pub keepalive_days: u16,
    /// Programs in the per-block recent-program cache (`BlockCacheSize`, 32; ArbOS 60+).
    pub block_cache_size: u16,
    /// Gas burnt before every activation (`ActivationGas`, 0; ArbOS 60+).
    pub activation_gas: u64,
    /// Fragments a root program may list (`MaxFragmentCount`, 2; ArbOS 60+).
    pub max_fragment_count: u8,
}

/// `PageRamp`: informational, nitro never stores another value (stylus-semantics §1.8).
pub const PAGE_RAMP: u64 = 620_674_314;

impl Default for StylusParams {
    fn default() -> Self {
        Self::for_arbos_version(crate::DEFAULT_ARBOS_VERSION)
    }
}

impl StylusParams {
    /// nitro's parameters as a chain at `arbos_version` holds them: Stylus version 1 with
    /// MinInitGas 72 on ArbOS 30, version 2 with MinInitGas 69 from the ArbOS 31 upgrade; the
    /// stack depth capped to 22,000 by the ArbOS 50 upgrade (262,144 before).
    pub fn for_arbos_version(arbos_version: u64) -> Self {
        let v2 = arbos_version >= 31;
        Self {
            arbos_version,
            version: if v2 { 2 } else { 1 },
            ink_price: 10_000,
            max_stack_depth: if arbos_version >= 50 { 22_000 } else { 4 * 65_536 },
            free_pages: 2,
            page_gas: 1_000,
            page_limit: 128,
            min_init_gas: if v2 { 69 } else { 72 },
            min_cached_init_gas: 11,
            init_cost_scalar: 50,
            cached_cost_scalar: 50,
            max_wasm_size: 128 * 1024,
            expiry_days: 365,
            keepalive_days: 31,
            block_cache_size: 32,
            activation_gas: 0,
            max_fragment_count: 2,
        }
    }

    /// Seconds after activation a program expires.
    pub fn expiry_seconds(&self) -> u64 {
        u64::from(self.expiry_days) * 86_400
    }

    /// Seconds after activation before a keepalive is allowed.
    pub fn keepalive_seconds(&self) -> u64 {
        u64::from(self.keepalive_days) * 86_400
    }
}

/// How a Stylus frame ended (nitro's `UserOutcomeKind`, plus activation errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StylusStatus {
    /// Returned 0: success with the written result.
    Success,
    /// Returned non-zero: revert with the written result.
    Revert,
    /// Trapped or a hook failed: revert with empty data, remaining gas kept.
    Failure,
    /// Ran out of ink: all gas used.
    OutOfInk,
    /// Exhausted the stack budget: all gas used.
    OutOfStack,
    /// The program was never activated: all gas used.
    NotActivated,
    /// The code is not a valid Stylus program: all gas used.
    InvalidCode,
}

/// What a Stylus frame produced.
#[derive(Clone, Debug)]
pub struct StylusOutcome {
    /// How it ended.
    pub status: StylusStatus,
    /// Return or revert data.
    pub output: Bytes,
    /// EVM gas used by the program (of [`StylusCall::gas_limit`]), including everything its
    /// hooks charged; the chain adds the entry cost it charged before the program ran.
    pub gas_used: u64,
    /// Ink used by the frame (ink at entry minus ink left), including the ink it paid for the
    /// gas of nested calls and creates; `None` when the executor does not meter (the chain then
    /// reports no ink for the transaction).
    pub ink_used: Option<u64>,
    /// A human-readable reason for non-success outcomes (trap message, hook error).
    pub detail: Option<String>,
}

/// One hostio call of a traced Stylus frame: nitro's `stylusTracer` record (name, the bytes the
/// hostio read from and wrote to the program — plus its scalar result — and the ink before and
/// after it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostioRecord {
    /// The hostio (`storage_load_bytes32`).
    pub name: &'static str,
    /// What it read from the program's memory.
    pub args: Bytes,
    /// What it wrote to the program's memory, then its result (big-endian) if it returns one.
    pub outs: Bytes,
    /// Ink left when it started.
    pub start_ink: u64,
    /// Ink left when it ended.
    pub end_ink: u64,
}

/// One Stylus frame of a transaction, as the chain saw it (in the order the frames started).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameRecord {
    /// Call depth (1 for the transaction's own frame).
    pub depth: usize,
    /// The account whose storage the frame used.
    pub contract: Address,
    /// The account whose code ran.
    pub code_address: Address,
    /// The executor that ran it (`wasmer`, `debugger`); empty when none could.
    pub executor: &'static str,
    /// How it ended.
    pub status: StylusStatus,
    /// Gas the frame used, entry cost included.
    pub gas_used: u64,
    /// Ink the frame used, nested calls' gas included (nitro's figure); `None` if not metered.
    pub ink: Option<u64>,
    /// Ink of the frame's own work: `ink` less what it paid for nested calls and creates.
    pub self_ink: Option<u64>,
    /// Why it did not succeed (trap message, panic message, hook error).
    pub detail: Option<String>,
}

/// A VM that runs Stylus frames (`executors/wasmer`, `executors/debugger`).
pub trait StylusExecutor {
    /// Label used in reports (`wasmer`, `debugger`).
    fn name(&self) -> &'static str;
    /// Runs one frame against the chain's hooks.
    fn execute(&self, call: &StylusCall, hooks: &mut dyn VmHooks) -> StylusOutcome;
}

/// A hook that could not complete; the executor ends the frame with [`StylusStatus::Failure`]
/// (or `OutOfInk` when `out_of_gas`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct HookError {
    /// What went wrong.
    pub message: String,
    /// The hook needed more gas than the frame had.
    pub out_of_gas: bool,
}

impl HookError {
    /// A failure that is not about gas (e.g. a write in a static call).
    pub fn failure(message: impl Into<String>) -> Self {
        Self { message: message.into(), out_of_gas: false }
    }

    /// Not enough gas for the hook's chain-side work.
    pub fn out_of_gas(message: impl Into<String>) -> Self {
        Self { message: message.into(), out_of_gas: true }
    }
}

/// Result of a nested call or create made by a Stylus frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubCallResult {
    /// 0 on success, 2 otherwise (nitro's status byte for revert and error alike).
    pub status: u8,
    /// Gas charged to the calling frame (base cost plus what the callee used).
    pub gas_cost: u64,
    /// The created address (creates only; zero when creation failed).
    pub created: Option<Address>,
}

/// Kind of nested call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    /// CALL.
    Call,
    /// DELEGATECALL: callee's code, caller's storage, sender and value.
    Delegate,
    /// STATICCALL.
    Static,
}

/// The Stylus host API (nitro's `vm_hooks`), seen from the chain side.
///
/// Each method returns the EVM gas its chain-side work costs; `gas_left` arguments tell the
/// hook what the frame can still spend, for "require" checks and the 63/64 rule.
pub trait VmHooks {
    /// Loads a storage word of the frame's contract (through the per-call cache). On a miss the
    /// charge includes `evm_api_gas`, the cost of the request that the host computed (nitro
    /// passes it in: `EVM_API_INK` as gas from ArbOS 32, the ink figure itself before).
    fn storage_load(&mut self, key: B256, gas_left: u64, evm_api_gas: u64) -> Result<(B256, u64), HookError>;
    /// Writes a storage word into the per-call cache (flushed by [`VmHooks::storage_flush`]).
    fn storage_cache(&mut self, key: B256, value: B256, gas_left: u64) -> Result<u64, HookError>;
    /// Writes dirty cached slots to state; `clear` also empties the cache.
    fn storage_flush(&mut self, clear: bool, gas_left: u64) -> Result<u64, HookError>;
    /// Transient load (EIP-1153).
    fn transient_load(&mut self, key: B256) -> Result<(B256, u64), HookError>;
    /// Transient store (EIP-1153).
    fn transient_store(&mut self, key: B256, value: B256) -> Result<u64, HookError>;
    /// Emits a log; `topics` are the first `n` 32-byte words of `data` as nitro lays them out.
    fn emit_log(&mut self, topics: Vec<B256>, data: Bytes, gas_left: u64) -> Result<u64, HookError>;
    /// Balance of an account (EIP-2929 priced).
    fn account_balance(&mut self, address: Address, gas_left: u64) -> Result<(U256, u64), HookError>;
    /// Code of an account.
    fn account_code(&mut self, address: Address, gas_left: u64) -> Result<(Bytes, u64), HookError>;
    /// Code hash of an account (zero for a non-existent account).
    fn account_codehash(&mut self, address: Address, gas_left: u64) -> Result<(B256, u64), HookError>;
    /// A nested call (nitro `doCall`). `value` is used by [`CallKind::Call`] only (a delegate
    /// call keeps the frame's sender and value); `gas_req` is what the program asked for.
    ///
    /// Cost: `base` = 100, +2500 for a cold callee, and with value +25,000 for an empty callee
    /// and +9000; if `base > gas_left` the call fails charging `gas_left`. Otherwise the callee
    /// gets `min((gas_left − base)·63/64, gas_req)` (+2300 with value) and the charge is `base` +
    /// what it used. Value from a static frame fails at no cost. Status 0 on success, 2
    /// otherwise; return data is kept on success and revert, empty otherwise.
    fn call(
        &mut self,
        kind: CallKind,
        to: Address,
        data: Bytes,
        value: U256,
        gas_left: u64,
        gas_req: u64,
    ) -> Result<SubCallResult, HookError>;
    /// CREATE (`salt = None`) or CREATE2 (nitro `create`).
    ///
    /// Base 32,000 (+6 per init-code word for CREATE2); of the rest, 1/64 is retained and the
    /// init code gets the remainder; the charge is `gas_left` minus unused gas and the retained
    /// 1/64. `created` is the new address, or zero on failure; return data is kept only when
    /// the init code reverted. A static frame, or fewer than `base` gas, is a [`HookError`].
    fn create(
        &mut self,
        code: Bytes,
        endowment: U256,
        salt: Option<B256>,
        gas_left: u64,
    ) -> Result<SubCallResult, HookError>;
    /// The return data of the last nested call or create.
    fn return_data(&self) -> &[u8];
    /// Whether the frame's contract already has an open frame lower in the call stack
    /// (EVM or Stylus; delegate frames are not counted, as in nitro).
    fn msg_reentrant(&self) -> bool;
    /// The block and transaction environment.
    fn env(&self) -> FrameEnv;
    /// `pay_for_memory_grow`: opens `pages` more pages for this transaction and returns their
    /// gas cost under the memory model (stylus-semantics §2.4).
    fn add_pages(&mut self, pages: u16) -> u64;

    /// Whether the chain wants each hostio call of this frame recorded ([`Self::record_hostio`]).
    fn traces_hostios(&self) -> bool {
        false
    }

    /// Records one hostio call of this frame (only called when [`Self::traces_hostios`]).
    fn record_hostio(&mut self, _record: HostioRecord) {}

    /// Whether the chain wants this frame's ink profiled by function ([`Self::record_profile`]).
    fn profiles_functions(&self) -> bool {
        false
    }

    /// Tells the chain the program's stack at the nested call or create about to start (only
    /// when [`Self::profiles_functions`]), so that the callee's frame can be placed under it.
    fn profile_call_site(&mut self, _stack: Vec<ProfileNode>) {}

    /// Records the frame's ink profile when it ends (only when [`Self::profiles_functions`]).
    fn record_profile(&mut self, _profile: FrameProfile) {}
}

/// Environment values a Stylus frame can read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameEnv {
    /// Block base fee.
    pub basefee: U256,
    /// Block coinbase.
    pub coinbase: Address,
    /// Block gas limit.
    pub gas_limit: u64,
    /// Block number as Stylus `block_number` returns it: nitro's L1 block number estimate.
    pub number: u64,
    /// Block timestamp.
    pub timestamp: u64,
    /// Chain id.
    pub chain_id: u64,
    /// Transaction origin.
    pub origin: Address,
    /// Effective gas price.
    pub gas_price: U256,
    /// Ink per gas (10,000 on chains with Stylus v1/v2 parameters).
    pub ink_price: u32,
    /// ArbOS version whose rules apply.
    pub arbos_version: u64,
}
