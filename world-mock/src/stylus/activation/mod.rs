//! Program activation (stylus-semantics §1): validating a WASM module as nitro would, and
//! computing what activation records (footprint, native-size estimate, init costs), costs
//! (activation gas) and charges (data fee).
//!
//! The module hash cannot be nitro's (that is a Merkle hash of the instrumented WAVM module);
//! diorama defines it as `keccak256("diorama-stylus-module-v1" ‖ version (u16 BE) ‖ codehash ‖
//! keccak256(wasm))`, so that, as in nitro, it changes with the code hash and Stylus version.

mod costs;
mod hostio;
mod ops;
mod validate;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use revm::primitives::{B256, U256, keccak256};

pub use costs::{ACTIVATION_FIXED_GAS, activation_gas, asm_estimate, cached_init_cost, init_cost};
pub use hostio::{HookSignature, VM_HOOKS, VM_HOOKS_MODULE, ValType, format_signature, hook_signature};

use super::data_pricer::DataPricer;
use super::{ProgramInfo, StylusParams};

/// The features of a module that activation prices.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleStats {
    /// Size of the (decompressed) WASM in bytes.
    pub wasm_len: u64,
    /// Function bodies (imports excluded).
    pub functions: u64,
    /// Σ (parameters + results) over the types of the function bodies.
    pub type_len: u64,
    /// Globals, including the 4 the instrumentation adds.
    pub globals: u64,
    /// Bytes of data in data segments (the payloads only; activation gas prices these).
    pub data_bytes: u64,
    /// Entries in element segments.
    pub element_entries: u64,
    /// Encoded size of the data segments: each segment's whole byte range in the binary (flags,
    /// memory index, offset expression, length prefix and payload), as nitro sums wasmparser's
    /// `Data::range` for the cached init cost.
    pub data_segments_len: u64,
    /// Encoded size of the element segments (wasmparser's `Element::range`: header, offset
    /// expression, count and the function indices), which nitro uses wherever it says
    /// "elements": the cached init cost, the activation gas and the 4096 "element entries" limit.
    pub element_segments_len: u64,
    /// Initial memory pages.
    pub footprint: u16,
    /// Operators in all function bodies.
    pub opcodes: u64,
    /// Operators after nitro's instrumentation (see `ops.rs` for how they are counted).
    pub instrumented_opcodes: u64,
}

/// The result of activating a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivationInfo {
    /// The program record activation would write.
    pub program: ProgramInfo,
    /// What was counted.
    pub stats: ModuleStats,
    /// Metered activation gas, on top of [`ACTIVATION_FIXED_GAS`].
    pub activation_gas: u64,
    /// Data fee in wei, from a fresh data pricer (no recent demand); on chain the fee depends on
    /// the pricer's state.
    pub data_fee: U256,
}

/// Why a module cannot be activated. Messages name the rule that failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ActivationError {
    /// The code is not a decodable Stylus program.
    #[error(transparent)]
    Code(#[from] super::ProgramError),
    /// The account holds no code to activate.
    #[error("the account has no code")]
    NoCode,
    /// wasmparser refused the module under Stylus's feature set.
    #[error("invalid wasm: {0}")]
    InvalidWasm(String),
    /// A float arithmetic, comparison or conversion operator.
    #[error("float arithmetic is not supported ({op} in function {func})")]
    FloatOp {
        /// The operator.
        op: &'static str,
        /// Function index (imports counted).
        func: u32,
    },
    /// `memory.init`, `data.drop`, `elem.drop` or a `table.*` operator.
    #[error("{op} is not supported (function {func})")]
    UnsupportedOp {
        /// The operator.
        op: &'static str,
        /// Function index (imports counted).
        func: u32,
    },
    /// An import that is not a function.
    #[error("import {0} is not a function (Stylus programs import only functions)")]
    ImportNotFunction(String),
    /// An import from a module other than `vm_hooks`.
    #[error("import {0} is not from module vm_hooks")]
    ImportModule(String),
    /// A `vm_hooks` import the host does not provide.
    #[error("unknown import {0}")]
    UnknownImport(String),
    /// A `vm_hooks` import with the wrong signature.
    #[error("import {import} has signature {found}, expected {expected}")]
    ImportSignature {
        /// `vm_hooks.name`.
        import: String,
        /// The module's signature.
        found: String,
        /// The host's signature.
        expected: String,
    },
    /// No `user_entrypoint` export.
    #[error("missing export user_entrypoint")]
    MissingEntrypoint,
    /// `user_entrypoint` is not a function of type `(i32) -> i32`.
    #[error("user_entrypoint must be a function of type (i32) -> (i32)")]
    EntrypointSignature,
    /// No memory, or not exactly one memory export named `memory`.
    #[error("the module must have one memory, exported as \"memory\" (and no other memory export)")]
    MemoryExport,
    /// An export name the instrumentation reserves.
    #[error("export name {0} is reserved by the Stylus instrumentation")]
    ReservedExport(String),
    /// A start function.
    #[error("start functions are not allowed")]
    StartFunction,
    /// A count over its limit.
    #[error("too many {what}: {count} > {limit}")]
    Limit {
        /// What was counted.
        what: &'static str,
        /// The count.
        count: u64,
        /// The limit.
        limit: u64,
    },
    /// A name longer than 512 bytes.
    #[error("{what} is {len} bytes, longer than 512")]
    NameTooLong {
        /// Which name.
        what: &'static str,
        /// Its length.
        len: usize,
    },
    /// Initial memory over the page limit or the 128-page heap bound.
    #[error("memory of {pages} pages exceeds the limit of {limit} pages")]
    MemoryTooLarge {
        /// Declared initial pages.
        pages: u64,
        /// The bound in force.
        limit: u64,
    },
    /// The memory can grow but `vm_hooks.pay_for_memory_grow` is not imported.
    #[error("the memory can grow (maximum ≠ minimum), so vm_hooks.pay_for_memory_grow (i32) -> () must be imported")]
    MissingPayForMemoryGrow,
    /// An initializer or offset that is not a single constant.
    #[error("{0} must be a single constant")]
    NonConstant(&'static str),
    /// The depth checker's worst-case frame exceeds 10,240 words.
    #[error("frame of function {func} is too large: {size} > {limit} words")]
    FrameTooLarge {
        /// Function index.
        func: u32,
        /// Worst-case stack + locals + 4.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// More than 4096 operand-stack values at once.
    #[error("too many values on the stack at once in function {func}: {depth} > {limit}")]
    StackContention {
        /// Function index.
        func: u32,
        /// Worst-case operand stack depth.
        depth: u64,
        /// The limit.
        limit: u64,
    },
    /// An init cost does not fit in 16 bits.
    #[error("{what} {value} does not fit in 16 bits")]
    CostOverflow {
        /// Which cost.
        what: &'static str,
        /// Its value.
        value: u64,
    },
    /// Activation needed more gas than was left.
    #[error("out of gas: activation needs {needed} gas, {available} left")]
    OutOfGas {
        /// Metered activation gas.
        needed: u64,
        /// Gas available for it.
        available: u64,
    },
}

/// Activates `wasm` (already decompressed) as the program with code hash `codehash` under
/// `params`, with the whole page limit available. Pure: no chain state is read or written.
pub fn activate_wasm(wasm: &[u8], codehash: B256, params: &StylusParams) -> Result<ActivationInfo, ActivationError> {
    activate_with_page_limit(wasm, codehash, params, params.page_limit)
}

/// [`activate_wasm`] when `page_limit` pages are left in the transaction.
pub(crate) fn activate_with_page_limit(
    wasm: &[u8],
    codehash: B256,
    params: &StylusParams,
    page_limit: u16,
) -> Result<ActivationInfo, ActivationError> {
    let wasm_hash = keccak256(wasm);
    let stats = analyze_once(wasm, wasm_hash, params.arbos_version, page_limit)?;
    let cached_cost = cached_init_cost(&stats)?;
    let init_cost = init_cost(&stats, params.version)?;
    let asm_estimate = asm_estimate(&stats);
    let program = ProgramInfo {
        codehash,
        module_hash: hash_module(wasm_hash, codehash, params.version),
        version: params.version,
        footprint: stats.footprint,
        init_cost,
        cached_cost,
        asm_estimate,
        cached: false,
    };
    let data_fee = DataPricer::default().update(asm_estimate, super::data_pricer::INITIAL_TIME);
    Ok(ActivationInfo { program, activation_gas: activation_gas(&stats, params.arbos_version), stats, data_fee })
}

/// Diorama's module hash (see the module documentation).
pub fn module_hash(wasm: &[u8], codehash: B256, version: u16) -> B256 {
    hash_module(keccak256(wasm), codehash, version)
}

fn hash_module(wasm_hash: B256, codehash: B256, version: u16) -> B256 {
    let mut preimage = Vec::with_capacity(24 + 2 + 64);
    preimage.extend_from_slice(b"diorama-stylus-module-v1");
    preimage.extend_from_slice(&version.to_be_bytes());
    preimage.extend_from_slice(codehash.as_slice());
    preimage.extend_from_slice(wasm_hash.as_slice());
    keccak256(preimage)
}

/// `validate::analyze`, remembered for the process by the WASM's hash and the only inputs it
/// reads besides the WASM (the ArbOS version and the page limit): it is pure, it is most of the
/// time of a scenario that activates a program and calls it once, and a suite activates the
/// same few programs in every scenario.
fn analyze_once(
    wasm: &[u8],
    wasm_hash: B256,
    arbos_version: u64,
    page_limit: u16,
) -> Result<ModuleStats, ActivationError> {
    type Analyses = HashMap<(B256, u64, u16), Result<ModuleStats, ActivationError>>;
    static KNOWN: OnceLock<Mutex<Analyses>> = OnceLock::new();
    const KEPT_MAX: usize = 256;
    let known = KNOWN.get_or_init(Mutex::default);
    let key = (wasm_hash, arbos_version, page_limit);
    if let Some(analysis) = known.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
        return analysis.clone();
    }
    let analysis = validate::analyze(wasm, arbos_version, page_limit);
    let mut known = known.lock().unwrap_or_else(PoisonError::into_inner);
    if known.len() >= KEPT_MAX {
        known.clear();
    }
    known.insert(key, analysis.clone());
    analysis
}
