//! The Wasmer engine: singlepass with the Stylus instrumentation, nitro's WASM feature set, and
//! a large coroutine stack for WASM code (deep recursion is stopped by the depth checker long
//! before it fills; overflowing it anyway traps, it never crashes the process).

use std::ptr::NonNull;
use std::sync::{Arc, Mutex, OnceLock};

use wasmer::sys::vm::{MemoryError, VMConfig, VMMemory, VMMemoryDefinition, VMTable, VMTableDefinition};
use wasmer::sys::{BaseTunables, EngineBuilder, Features, NativeEngineExt, Singlepass, Tunables};
use wasmer::{CompileError, Engine, MemoryStyle, MemoryType, Module, TableStyle, TableType};

use world_mock::revm::primitives::{B256, keccak256};

use crate::memory_pool::MemoryPool;
use crate::middleware::{self, CompileConfig, MeterScheme};

/// The source files whose content decides the instrumented machine code: the middlewares, the
/// prices they insert and the engine configuration. A test checks that every middleware file
/// is listed.
pub(crate) const CODEGEN_SOURCES: &[(&str, &[u8])] = &[
    ("engine.rs", include_bytes!("engine.rs")),
    ("pricing.rs", include_bytes!("pricing.rs")),
    ("middleware/mod.rs", include_bytes!("middleware/mod.rs")),
    ("middleware/meter.rs", include_bytes!("middleware/meter.rs")),
    ("middleware/plan.rs", include_bytes!("middleware/plan.rs")),
    ("middleware/dynamic.rs", include_bytes!("middleware/dynamic.rs")),
    ("middleware/depth.rs", include_bytes!("middleware/depth.rs")),
    ("middleware/heap.rs", include_bytes!("middleware/heap.rs")),
    ("middleware/profile.rs", include_bytes!("middleware/profile.rs")),
    ("middleware/stack.rs", include_bytes!("middleware/stack.rs")),
];

/// Which instrumentation an engine adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Instrumentation {
    /// None: no ink, no depth budget, no page charges (for measuring the cost of metering).
    None,
    /// Nitro's: the ink meter, the depth checker and the heap bound, with the ink compared only
    /// where a difference could be observed ([`MeterScheme::AtBoundaries`]). Needs a frame's
    /// ink limit to fit in an `i64`.
    Metered,
    /// Nitro's, comparing the ink before every basic block as nitro does
    /// ([`MeterScheme::EveryBlock`]): for larger ink limits, and what `Metered` is tested
    /// against. Same figures.
    EveryBlock,
    /// `EveryBlock`, plus function entry and exit events for ink profiles (same ink).
    Profiled,
}

impl Instrumentation {
    const ALL: [Self; 4] = [Self::None, Self::Metered, Self::EveryBlock, Self::Profiled];

    /// Whether frames are metered.
    pub fn metered(self) -> bool {
        self != Self::None
    }

    /// Where the meter compares, if frames are metered.
    pub fn meter_scheme(self) -> Option<MeterScheme> {
        match self {
            Self::None => None,
            Self::Metered => Some(MeterScheme::AtBoundaries),
            Self::EveryBlock | Self::Profiled => Some(MeterScheme::EveryBlock),
        }
    }
}

/// Identifies everything that shapes a compiled module: the Wasmer crates' versions, the
/// compiler's id, the host's CPU features (singlepass emits code for them), the WASM feature
/// set, the instrumentation's source and configuration, and which one is on. Two engines with
/// the same fingerprint produce interchangeable modules; the disk cache keys files by it, so
/// changing any of these never loads a module compiled under other conditions.
pub fn code_fingerprint(instrumentation: Instrumentation) -> B256 {
    static FINGERPRINTS: OnceLock<[B256; 4]> = OnceLock::new();
    let index = Instrumentation::ALL.iter().position(|i| *i == instrumentation).unwrap_or(0);
    FINGERPRINTS.get_or_init(|| Instrumentation::ALL.map(fingerprint))[index]
}

fn fingerprint(instrumentation: Instrumentation) -> B256 {
    let engine = Compiler::new(instrumentation).engine;
    let mut text = format!(
        "diorama-executor-wasmer {}\nwasmer-types {}\ncompiler {}\ntarget {} {}\ncpu {:?}\nfeatures {:?}\nconfig {:?}\ninstrumentation {instrumentation:?}\n",
        env!("CARGO_PKG_VERSION"),
        wasmer_types::VERSION,
        engine.deterministic_id(),
        std::env::consts::ARCH,
        std::env::consts::OS,
        wasmer_types::target::CpuFeature::for_host(),
        stylus_features(),
        CompileConfig::STYLUS_V1,
    )
    .into_bytes();
    for (name, source) in CODEGEN_SOURCES {
        text.extend_from_slice(name.as_bytes());
        text.extend_from_slice(&keccak256(source).0);
    }
    keccak256(text)
}

/// Native stack for WASM code. The depth checker's budget (22,000 words by default) needs far
/// less; the margin covers budgets raised by scenarios (nitro's pre-ArbOS-50 262,144 words).
pub const WASM_STACK_BYTES: usize = 64 << 20;

static STYLUS_VM_CONFIG: VMConfig = VMConfig { wasm_stack_size: Some(WASM_STACK_BYTES) };

/// Wasmer's defaults, with the WASM stack size above and, unless `pool` is `None`, linear
/// memories reused between frames (see `memory_pool`).
#[derive(Clone, Default)]
struct StylusTunables(BaseTunables, Option<Arc<MemoryPool>>);

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
        match &self.1 {
            Some(pool) if !ty.shared => pool.memory(ty, style, location),
            // SAFETY: forwarded unchanged; the caller upholds `Tunables::create_vm_memory`'s contract.
            _ => unsafe { self.0.create_vm_memory(ty, style, location) },
        }
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
    instrumentation: Instrumentation,
    lock: Mutex<()>,
}

impl Compiler {
    /// An engine adding `instrumentation`, reusing linear memories between frames.
    pub(crate) fn new(instrumentation: Instrumentation) -> Self {
        Self::with_memories(instrumentation, true)
    }

    /// An engine adding `instrumentation`; `pooled: false` gives every instance a fresh memory.
    pub(crate) fn with_memories(instrumentation: Instrumentation, pooled: bool) -> Self {
        let mut singlepass = Singlepass::new();
        singlepass.canonicalize_nans(true);
        if let Some(scheme) = instrumentation.meter_scheme() {
            let profiled = instrumentation == Instrumentation::Profiled;
            for middleware in middleware::instrumentation(&CompileConfig::STYLUS_V1, scheme, profiled) {
                wasmer::sys::CompilerConfig::push_middleware(&mut singlepass, middleware);
            }
        }
        let mut engine: Engine = EngineBuilder::new(singlepass).set_features(Some(stylus_features())).engine().into();
        engine.set_tunables(StylusTunables(BaseTunables::default(), pooled.then(Arc::default)));
        Self { engine, instrumentation, lock: Mutex::new(()) }
    }

    /// The engine modules are compiled by (and must be instantiated with).
    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The instrumentation it adds.
    pub(crate) fn instrumentation(&self) -> Instrumentation {
        self.instrumentation
    }

    /// Whether frames are metered.
    pub(crate) fn metered(&self) -> bool {
        self.instrumentation.metered()
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
    /// `bytes` must be exactly what `Module::serialize` produced on an engine with the same
    /// [`code_fingerprint`]. Wasmer checks only the archive's header: a damaged body is
    /// undefined behaviour (crashes, or machine code that computes wrong results), so callers
    /// must verify the bytes first (the disk cache compares a hash of the body).
    pub(crate) unsafe fn deserialize(&self, bytes: &[u8]) -> Result<Module, wasmer::DeserializeError> {
        // SAFETY: upheld by the caller (see above).
        unsafe { Module::deserialize(&self.engine, bytes.to_vec()) }
    }
}

#[cfg(test)]
mod tests {
    use super::{CODEGEN_SOURCES, Instrumentation, code_fingerprint};

    /// A middleware file missing from the fingerprint would let a changed instrumentation load
    /// modules compiled by the old one.
    #[test]
    fn fingerprint_covers_every_middleware_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/middleware");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = format!("middleware/{}", entry.unwrap().file_name().to_string_lossy());
            assert!(CODEGEN_SOURCES.iter().any(|(listed, _)| *listed == name), "{name} is not in CODEGEN_SOURCES");
        }
    }

    #[test]
    fn each_instrumentation_has_its_own_fingerprint() {
        let all = Instrumentation::ALL.map(code_fingerprint);
        for (i, a) in all.iter().enumerate() {
            assert!(all[i + 1..].iter().all(|b| a != b), "{:?} shares a fingerprint", Instrumentation::ALL[i]);
        }
        let metered = all[1];
        assert_eq!(code_fingerprint(Instrumentation::Metered), metered);
    }
}
