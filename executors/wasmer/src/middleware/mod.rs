//! Nitro's Stylus instrumentation as Wasmer middlewares, one concern per file
//! (stylus-semantics §1.4):
//!
//! - [`InkMeter`] (`meter.rs`): per-basic-block ink charging, globals `stylus_ink_left` and
//!   `stylus_ink_status`, compared before every block or only where it can be observed;
//! - [`DynamicMeter`] (`dynamic.rs`): 100 ink per byte before `memory.copy` / `memory.fill`;
//! - [`DepthChecker`] (`depth.rs`): a deterministic stack budget in `stylus_stack_left`;
//! - [`HeapBound`] (`heap.rs`): a `pay_for_memory_grow(delta)` call before each `memory.grow`;
//! - [`FunctionProfiler`] (`profile.rs`, only for ink profiles): function entry and exit events.
//!
//! [`instrumentation`] fixes their order. Each module-level type keeps the state of the module
//! being compiled (global indexes, types) and is overwritten by the next compilation, so one
//! engine must compile one module at a time (`engine.rs` holds a lock for that).
//!
//! The globals keep nitro's names: activation rejects programs that export them, so they
//! cannot clash with a program's own exports.

mod depth;
mod dynamic;
mod heap;
mod meter;
mod plan;
mod profile;
mod stack;

use std::sync::{Arc, Mutex};

use wasmer::sys::{MiddlewareError, ModuleMiddleware};
use wasmer::{ExportIndex, GlobalInit, GlobalType, ModuleInfo, Mutability, Type};
use wasmer_types::{FunctionIndex, GlobalIndex, SignatureIndex};

pub use depth::DepthChecker;
pub use dynamic::DynamicMeter;
pub use heap::HeapBound;
pub use meter::{InkMeter, MeterScheme};
pub use profile::{EXIT_EVENT, FunctionProfiler};

/// Exported global holding the ink left (`i64`, read as `u64`).
pub const INK_LEFT_GLOBAL: &str = "stylus_ink_left";
/// Exported global that is non-zero once the program ran out of ink (`i32`).
pub const INK_STATUS_GLOBAL: &str = "stylus_ink_status";
/// Exported scratch global used by the dynamic meter and the heap bound (`i32`).
pub const SCRATCH_GLOBAL: &str = "stylus_scratch_global";
/// Exported global set to 1 right before a profiling event (`i32`; profiled modules only).
pub const PROFILE_FLAG_GLOBAL: &str = "stylus_profile_flag";
/// Exported global holding the stack budget left, in words (`i32`, read as `u32`).
pub const STACK_LEFT_GLOBAL: &str = "stylus_stack_left";

/// Compile-time instrumentation parameters (nitro `CompileConfig` for Stylus versions 1 and 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CompileConfig {
    /// Ink charged per basic block on top of its operators (2,450).
    pub ink_header_cost: u64,
    /// Ink per byte of `memory.copy` / `memory.fill` (100).
    pub memory_byte_ink: u64,
    /// Largest frame, in words (10,240).
    pub max_frame_size: u32,
    /// Largest worst-case operand stack of one function (4,096).
    pub max_frame_contention: u32,
    /// Pages a program's memory may ever have (128).
    pub heap_bound_pages: u32,
}

impl CompileConfig {
    /// The configuration of Stylus versions 1 and 2 (they share instrumentation).
    pub const STYLUS_V1: Self = Self {
        ink_header_cost: crate::pricing::INK_HEADER_COST,
        memory_byte_ink: crate::pricing::MEMORY_BYTE_INK,
        max_frame_size: 10 * 1024,
        max_frame_contention: 4096,
        heap_bound_pages: 128,
    };
}

impl Default for CompileConfig {
    fn default() -> Self {
        Self::STYLUS_V1
    }
}

/// The instrumentation chain in nitro's order. The order matters: the meter must see the
/// program's own operators only; the depth checker runs after both meters so that their
/// operand-stack use counts towards frame sizes; the heap bound comes last so that its call is
/// neither metered nor counted (as in nitro, whose StartMover step belongs to activation).
/// The function profiler, when `profiled`, comes after all of them, for the same reason.
pub fn instrumentation(config: &CompileConfig, scheme: MeterScheme, profiled: bool) -> Vec<Arc<dyn ModuleMiddleware>> {
    let mut chain: Vec<Arc<dyn ModuleMiddleware>> = vec![
        Arc::new(InkMeter::new(config.ink_header_cost, scheme)),
        Arc::new(DynamicMeter::new(config.memory_byte_ink)),
        Arc::new(DepthChecker::new(config.max_frame_size, config.max_frame_contention)),
        Arc::new(HeapBound::new(config.heap_bound_pages)),
    ];
    if profiled {
        chain.push(Arc::new(FunctionProfiler::new()));
    }
    chain
}

/// Parameter and result counts of a module's function types, by type and by function.
#[derive(Debug, Default)]
pub(crate) struct ModuleTypes {
    sigs: Vec<(usize, usize)>,
    funcs: Vec<u32>,
}

impl ModuleTypes {
    pub(crate) fn of(info: &ModuleInfo) -> Self {
        let sigs = info.signatures.values().map(|t| (t.params().len(), t.results().len())).collect();
        let funcs = info.functions.values().map(|s: &SignatureIndex| s.as_u32()).collect();
        Self { sigs, funcs }
    }

    /// `(params, results)` of type `index`.
    pub(crate) fn sig(&self, index: u32) -> Option<(usize, usize)> {
        self.sigs.get(index as usize).copied()
    }

    /// `(params, results)` of function `index` (imports first).
    pub(crate) fn func(&self, index: u32) -> Option<(usize, usize)> {
        self.funcs.get(index as usize).and_then(|sig| self.sig(*sig))
    }
}

/// Adds an exported, mutable global; fails if the module already exports `name`.
pub(crate) fn add_global(
    info: &mut ModuleInfo,
    middleware: &str,
    name: &str,
    ty: Type,
    init: GlobalInit,
) -> Result<GlobalIndex, MiddlewareError> {
    if info.exports.contains_key(name) {
        return Err(MiddlewareError::new(middleware, format!("the program already exports {name}")));
    }
    let index = info.globals.push(GlobalType::new(ty, Mutability::Var));
    info.global_initializers.push(init);
    info.exports.insert(name.to_string(), ExportIndex::Global(index));
    Ok(index)
}

/// The global another middleware exported as `name`.
pub(crate) fn exported_global(info: &ModuleInfo, middleware: &str, name: &str) -> Result<u32, MiddlewareError> {
    match info.exports.get(name) {
        Some(ExportIndex::Global(index)) => Ok(index.as_u32()),
        _ => Err(MiddlewareError::new(middleware, format!("missing global {name} (instrumentation order?)"))),
    }
}

/// The imported function `module.field`, if any.
pub(crate) fn imported_function(info: &ModuleInfo, module: &str, field: &str) -> Option<FunctionIndex> {
    info.imports.iter().find_map(|(key, index)| match index {
        wasmer_types::ImportIndex::Function(f) if key.module == module && key.field == field => Some(*f),
        _ => None,
    })
}

/// Stores per-module state for the function middlewares of the module being compiled.
pub(crate) fn store<T>(slot: &Mutex<Option<Arc<T>>>, value: T) {
    let mut guard = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    *guard = Some(Arc::new(value));
}

/// Loads the state stored by [`store`].
pub(crate) fn load<T>(slot: &Mutex<Option<Arc<T>>>) -> Option<Arc<T>> {
    slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
}

/// The error a function middleware reports when its module-level state is missing.
pub(crate) fn no_state(middleware: &str) -> MiddlewareError {
    MiddlewareError::new(middleware, "module was not prepared (transform_module_info not called)")
}
