//! [`WasmerExecutor`]: the [`StylusExecutor`] the world routes Stylus frames to.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use wasmer::Module;
use world_mock::revm::primitives::B256;
use world_mock::stylus::{StylusCall, StylusExecutor, StylusOutcome, StylusStatus, VmHooks};

use crate::cache::{CacheOptions, CacheStats, ModuleCache, module_id};
use crate::engine::{Compiler, Instrumentation};
use crate::instance_pool::InstancePool;

/// Runs Stylus programs in Wasmer (singlepass) with nitro's instrumentation and ink metering.
///
/// Compiled modules are cached in memory and, if [`CacheOptions::dir`] is set, on disk. The
/// executor is `Send + Sync`: its caches are behind locks, and each frame gets its own Wasmer
/// store, so a nested call that reaches another Stylus frame re-enters it safely.
///
/// # Examples
/// ```no_run
/// use executor_wasmer::{CacheOptions, WasmerExecutor};
/// let executor = WasmerExecutor::new(CacheOptions::memory_only());
/// assert_eq!(executor.stats().compiles, 0);
/// ```
#[derive(Debug)]
pub struct WasmerExecutor {
    compiler: Compiler,
    /// Made when a frame is first profiled (metered executors only).
    profiling: OnceLock<Compiler>,
    /// Made when a frame's ink limit first exceeds `i64::MAX` (the default meter reads the
    /// ink as signed).
    every_block: OnceLock<Compiler>,
    /// Whether linear memories and instances are reused between frames.
    pooled: bool,
    cache: ModuleCache,
    instances: InstancePool,
}

impl WasmerExecutor {
    /// An executor with the Stylus instrumentation and the given cache. A linear memory that
    /// ends its frame at its initial size is reused, zeroed, by a later frame (creating one
    /// costs more than a small frame's whole run), and so is the instance of a program whose
    /// memory did not grow, reset to its state after instantiation (see `instance_pool`).
    pub fn new(options: CacheOptions) -> Self {
        Self::with(Instrumentation::Metered, options)
    }

    /// An executor without instrumentation: no ink, no depth budget, no page charges. Only for
    /// measuring the cost of metering; frames report no ink and no gas of their own.
    pub fn unmetered(options: CacheOptions) -> Self {
        Self::with(Instrumentation::None, options)
    }

    /// An executor whose meter compares the ink before every basic block, exactly as nitro's
    /// does, instead of only where a difference could be observed: the reference the default
    /// is tested against (same figures, slower).
    pub fn every_block(options: CacheOptions) -> Self {
        Self::with(Instrumentation::EveryBlock, options)
    }

    /// An instrumented executor that gives every frame a fresh instance and a freshly mapped
    /// linear memory instead of reusing them (see [`WasmerExecutor::new`]): the reference the
    /// pooled default is tested against, frame for frame.
    pub fn with_fresh_memories(options: CacheOptions) -> Self {
        Self::build(Instrumentation::Metered, options, false)
    }

    fn with(instrumentation: Instrumentation, options: CacheOptions) -> Self {
        Self::build(instrumentation, options, true)
    }

    fn build(instrumentation: Instrumentation, options: CacheOptions, pooled: bool) -> Self {
        Self {
            compiler: Compiler::with_memories(instrumentation, pooled),
            profiling: OnceLock::new(),
            every_block: OnceLock::new(),
            pooled,
            cache: ModuleCache::new(options),
            instances: InstancePool::default(),
        }
    }

    /// Instruments and compiles `wasm` (or finds it in the caches), keyed by `module_hash`
    /// (zero: keyed by the WASM's keccak). Errors are validation or instrumentation failures,
    /// e.g. a frame above the depth checker's limit.
    pub fn module(&self, module_hash: B256, wasm: &[u8]) -> Result<Module, wasmer::CompileError> {
        self.cache.module(&self.compiler, module_hash, wasm)
    }

    /// Cache counters since creation.
    pub fn stats(&self) -> CacheStats {
        self.cache.stats()
    }

    /// Drops the in-memory modules, so the next frames load from disk (or compile).
    pub fn clear_memory_cache(&self) {
        self.cache.clear_memory();
    }
}

impl WasmerExecutor {
    /// Profiled frames run a twin of the module with function events; frames whose ink does not
    /// fit the default meter's signed reading run one metered before every block. Same ink.
    fn compiler_for(&self, call: &StylusCall, hooks: &dyn VmHooks) -> &Compiler {
        match self.compiler.instrumentation() {
            Instrumentation::None => &self.compiler,
            _ if hooks.profiles_functions() => self.twin(&self.profiling, Instrumentation::Profiled),
            Instrumentation::Metered if call.ink_limit > i64::MAX as u64 => {
                self.twin(&self.every_block, Instrumentation::EveryBlock)
            }
            _ => &self.compiler,
        }
    }

    fn twin<'a>(&self, slot: &'a OnceLock<Compiler>, instrumentation: Instrumentation) -> &'a Compiler {
        slot.get_or_init(|| Compiler::with_memories(instrumentation, self.pooled))
    }
}

impl Default for WasmerExecutor {
    /// Instrumented, with the disk cache of [`CacheOptions::from_env`].
    fn default() -> Self {
        Self::new(CacheOptions::from_env())
    }
}

impl StylusExecutor for WasmerExecutor {
    fn name(&self) -> &'static str {
        "wasmer"
    }

    fn execute(&self, call: &StylusCall, hooks: &mut dyn VmHooks) -> StylusOutcome {
        // Profiled frames run a twin of the module with function events; its ink is the same.
        let compiler = self.compiler_for(call, hooks);
        match self.cache.module(compiler, call.program.module_hash, &call.wasm) {
            Ok(module) => {
                let key = (module_id(call.program.module_hash, &call.wasm), compiler.instrumentation());
                let pool = self.pooled.then_some((&self.instances, key));
                let mut outcome =
                    crate::run::run(compiler.engine(), &module, call, hooks, compiler.instrumentation(), pool);
                if !compiler.metered() {
                    outcome.ink_used = None;
                    outcome.gas_used = 0;
                }
                outcome
            }
            // Activation runs the same checks, so this means the program should not have been
            // activated: like nitro's invalid code, all gas is used.
            Err(error) => StylusOutcome {
                status: StylusStatus::InvalidCode,
                output: Default::default(),
                gas_used: call.gas_limit,
                ink_used: Some(call.ink_limit),
                detail: Some(format!("compilation failed: {error}")),
            },
        }
    }
}

/// What compiling one program costs, measured without any cache.
#[derive(Clone, Debug)]
pub struct CompileStats {
    /// Validation, instrumentation and singlepass compilation.
    pub compile: Duration,
    /// `Module::serialize`.
    pub serialize: Duration,
    /// `Module::deserialize` of that output (what a disk-cache hit costs).
    pub deserialize: Duration,
    /// Size of the serialized module.
    pub serialized_bytes: usize,
}

/// Why [`compile_stats`] could not measure a program.
#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    /// Validation, instrumentation or compilation failed.
    #[error("compiling: {0}")]
    Compile(#[from] wasmer::CompileError),
    /// The compiled module could not be serialized.
    #[error("serializing: {0}")]
    Serialize(#[from] wasmer::SerializeError),
    /// Its serialized form could not be loaded back.
    #[error("deserializing: {0}")]
    Deserialize(#[from] wasmer::DeserializeError),
}

/// Compiles `wasm` with the Stylus instrumentation, serializes and deserializes it, and reports
/// the times and the artifact size.
pub fn compile_stats(wasm: &[u8]) -> Result<CompileStats, StatsError> {
    let compiler = Compiler::new(Instrumentation::Metered);
    let start = Instant::now();
    let module = compiler.compile(wasm)?;
    let compile = start.elapsed();
    let start = Instant::now();
    let bytes = module.serialize()?;
    let serialize = start.elapsed();
    let start = Instant::now();
    // SAFETY: `bytes` is exactly what `serialize` just produced on this same engine.
    unsafe { compiler.deserialize(&bytes) }?;
    let deserialize = start.elapsed();
    Ok(CompileStats { compile, serialize, deserialize, serialized_bytes: bytes.len() })
}

#[cfg(test)]
mod tests {
    use super::WasmerExecutor;

    #[test]
    fn executor_is_shareable_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<WasmerExecutor>();
    }
}
