//! The Wasmer engine: singlepass with the Stylus instrumentation, nitro's WASM feature set, and
//! a large coroutine stack for WASM code (deep recursion is stopped by the depth checker long
//! before it fills; overflowing it anyway traps, it never crashes the process).

use std::ptr::NonNull;
use std::sync::Mutex;

use wasmer::sys::vm::{MemoryError, VMConfig, VMMemory, VMMemoryDefinition, VMTable, VMTableDefinition};
use wasmer::sys::{BaseTunables, EngineBuilder, Features, NativeEngineExt, Singlepass, Tunables};
use wasmer::{CompileError, Engine, MemoryStyle, MemoryType, Module, TableStyle, TableType};

use crate::middleware::{CompileConfig, instrumentation};

/// Bump when instrumentation output changes, so that cached modules are recompiled.
pub const INSTRUMENTATION_VERSION: u32 = 1;

/// Identifies the compiler that produced a cached module.
pub const ENGINE_TAG: &str = concat!("wasmer-7.4.2-singlepass-", env!("CARGO_PKG_VERSION"));

/// Native stack for WASM code. The depth checker's budget (22,000 words by default) needs far
/// less; the margin covers budgets raised by scenarios (nitro's pre-ArbOS-50 262,144 words).
pub const WASM_STACK_BYTES: usize = 64 << 20;

static STYLUS_VM_CONFIG: VMConfig = VMConfig { wasm_stack_size: Some(WASM_STACK_BYTES) };

/// Wasmer's defaults, with the WASM stack size above.
#[derive(Clone, Default)]
struct StylusTunables(BaseTunables);

impl Tunables for StylusTunables {
    fn memory_style(&self, memory: &MemoryType) -> MemoryStyle {
        self.0.memory_style(memory)
    }

    fn table_style(&self, table: &TableType) -> TableStyle {
        self.0.table_style(table)
    }

    fn create_host_memory(&self, ty: &MemoryType, style: &MemoryStyle) -> Result<VMMemory, MemoryError> {
        self.0.create_host_memory(ty, style)
    }

    unsafe fn create_vm_memory(
        &self,
        ty: &MemoryType,
        style: &MemoryStyle,
        location: NonNull<VMMemoryDefinition>,
    ) -> Result<VMMemory, MemoryError> {
        // SAFETY: forwarded unchanged; the caller upholds `Tunables::create_vm_memory`'s contract.
        unsafe { self.0.create_vm_memory(ty, style, location) }
    }

    fn create_host_table(&self, ty: &TableType, style: &TableStyle) -> Result<VMTable, String> {
        self.0.create_host_table(ty, style)
    }

    unsafe fn create_vm_table(
        &self,
        ty: &TableType,
        style: &TableStyle,
        location: NonNull<VMTableDefinition>,
    ) -> Result<VMTable, String> {
        // SAFETY: forwarded unchanged; the caller upholds `Tunables::create_vm_table`'s contract.
        unsafe { self.0.create_vm_table(ty, style, location) }
    }

    fn vmconfig(&self) -> &VMConfig {
        &STYLUS_VM_CONFIG
    }
}

/// The WASM features nitro's validator enables (stylus-semantics §1.3); mutable globals,
/// sign extension and saturating conversions are always on in Wasmer.
fn stylus_features() -> Features {
    let mut features = Features::none();
    features.bulk_memory(true).multi_value(true);
    features
}

/// An engine plus the lock that serialises compilations (the middlewares keep the state of the
/// module being compiled).
#[derive(Debug)]
pub(crate) struct Compiler {
    engine: Engine,
    metered: bool,
    lock: Mutex<()>,
}

impl Compiler {
    /// An engine with the Stylus instrumentation (`metered`) or none (for benchmarks).
    pub(crate) fn new(metered: bool) -> Self {
        let mut singlepass = Singlepass::new();
        singlepass.canonicalize_nans(true);
        if metered {
            for middleware in instrumentation(&CompileConfig::STYLUS_V1) {
                wasmer::sys::CompilerConfig::push_middleware(&mut singlepass, middleware);
            }
        }
        let mut engine: Engine = EngineBuilder::new(singlepass).set_features(Some(stylus_features())).engine().into();
        engine.set_tunables(StylusTunables::default());
        Self { engine, metered, lock: Mutex::new(()) }
    }

    /// The engine modules are compiled by (and must be instantiated with).
    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether the instrumentation is on.
    pub(crate) fn metered(&self) -> bool {
        self.metered
    }

    /// Validates, instruments and compiles `wasm`.
    ///
    /// Compiles run one at a time (the middlewares keep per-module state), on a short-lived
    /// plain thread: singlepass compiles functions with rayon, and a rayon worker that waited
    /// for that while holding the lock could steal another job of its pool that compiles too,
    /// and block on the lock it already holds. A plain thread only waits, it never steals.
    pub(crate) fn compile(&self, wasm: &[u8]) -> Result<Module, CompileError> {
        std::thread::scope(|scope| {
            let compiling = scope.spawn(|| {
                let _guard = self.lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                Module::new(&self.engine, wasm)
            });
            compiling.join().unwrap_or_else(|_| Err(CompileError::Validate("the compiler panicked".to_string())))
        })
    }

    /// Loads a module serialized by [`Module::serialize`] with this engine.
    ///
    /// # Safety
    /// `bytes` must come from `Module::serialize` of an engine with the same configuration
    /// (the disk cache checks a header it wrote itself before calling this).
    pub(crate) unsafe fn deserialize(&self, bytes: &[u8]) -> Result<Module, wasmer::DeserializeError> {
        // SAFETY: upheld by the caller (see above); `deserialize` also validates the archive.
        unsafe { Module::deserialize(&self.engine, bytes.to_vec()) }
    }
}
