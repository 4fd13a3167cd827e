//! Compiled-module cache: in memory (per executor) and on disk (shared by executors, threads and
//! runs). Keys combine the module hash with the engine's [`code_fingerprint`], so a changed
//! compiler, instrumentation or host CPU never loads a stale module.
//!
//! Wasmer's `Module::deserialize` checks only its archive header, and runs whatever machine
//! code the body holds: a damaged file could crash the process or, worse, compute a wrong
//! result that a scenario then passes. So each disk file carries a header with the fingerprint,
//! the body's length and its Keccak-256, and a body is deserialized only when all three match.
//! Anything else is a miss: the module is recompiled and the file rewritten, with one warning
//! (threads needing the same file wait for the first, so it is read, reported and written once).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use wasmer::Module;
use world_mock::revm::primitives::{B256, keccak256};

use crate::cache_file;
use crate::engine::{Compiler, code_fingerprint};

/// Environment variable naming the disk cache directory.
pub const CACHE_DIR_ENV: &str = "DIORAMA_CACHE_DIR";

/// Where compiled modules are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheOptions {
    /// Directory of serialized modules; `None` keeps modules in memory only.
    pub dir: Option<PathBuf>,
}

impl CacheOptions {
    /// In memory only.
    pub fn memory_only() -> Self {
        Self { dir: None }
    }

    /// Serialized modules in `dir` (created when first written).
    pub fn with_dir(dir: impl Into<PathBuf>) -> Self {
        Self { dir: Some(dir.into()) }
    }

    /// `$DIORAMA_CACHE_DIR`; else `diorama-cache` in cargo's target folder: `$CARGO_TARGET_DIR`,
    /// or the `target` folder the running executable was built into (so a contract's
    /// `cargo test` shares its workspace's cache); else `target/diorama-cache`.
    pub fn from_env() -> Self {
        if let Some(dir) = std::env::var_os(CACHE_DIR_ENV) {
            return Self::with_dir(PathBuf::from(dir));
        }
        let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).or_else(|| {
            let exe = std::env::current_exe().ok()?;
            exe.ancestors().find(|dir| dir.file_name().is_some_and(|n| n == "target")).map(Path::to_path_buf)
        });
        Self::with_dir(target.unwrap_or_else(|| PathBuf::from("target")).join("diorama-cache"))
    }
}

impl Default for CacheOptions {
    fn default() -> Self {
        Self::from_env()
    }
}

/// Cache counters since the executor was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Modules found in memory.
    pub memory_hits: u64,
    /// Modules loaded from disk (deserialized, not compiled).
    pub disk_hits: u64,
    /// Modules compiled.
    pub compiles: u64,
    /// Modules written to disk.
    pub disk_writes: u64,
    /// Disk files that were damaged, stale or failed to deserialize, or writes that failed.
    pub disk_errors: u64,
    /// Time spent compiling.
    pub compile_time: Duration,
    /// Time spent deserializing.
    pub deserialize_time: Duration,
}

impl CacheStats {
    /// Lookups that were not in memory.
    pub fn misses(&self) -> u64 {
        self.disk_hits + self.compiles
    }
}

/// Cache key: the program's identity and the fingerprint of the code generator.
type Key = (B256, B256);

#[derive(Debug, Default)]
struct Counters {
    memory_hits: AtomicU64,
    disk_hits: AtomicU64,
    compiles: AtomicU64,
    disk_writes: AtomicU64,
    disk_errors: AtomicU64,
    compile_nanos: AtomicU64,
    deserialize_nanos: AtomicU64,
}

fn bump(counter: &AtomicU64, by: u64) {
    counter.fetch_add(by, Ordering::Relaxed);
}

/// What identifies a program's module: its module hash, or the WASM's keccak when the hash is
/// zero (programs without an activation record).
pub(crate) fn module_id(module_hash: B256, wasm: &[u8]) -> B256 {
    if module_hash == B256::ZERO { keccak256(wasm) } else { module_hash }
}

/// Memory and disk cache in front of a [`Compiler`].
#[derive(Debug)]
pub(crate) struct ModuleCache {
    memory: Mutex<HashMap<Key, Module>>,
    dir: Option<PathBuf>,
    counters: Counters,
}

impl ModuleCache {
    pub(crate) fn new(options: CacheOptions) -> Self {
        Self { memory: Mutex::default(), dir: options.dir, counters: Counters::default() }
    }

    /// The compiled module for `wasm`, identified by `module_hash` (or by the WASM's own hash
    /// when `module_hash` is zero, as for programs without an activation record).
    pub(crate) fn module(
        &self,
        compiler: &Compiler,
        module_hash: B256,
        wasm: &[u8],
    ) -> Result<Module, wasmer::CompileError> {
        let id = module_id(module_hash, wasm);
        let fingerprint = code_fingerprint(compiler.instrumentation());
        let key = (id, fingerprint);
        if let Some(module) = self.lock().get(&key) {
            bump(&self.counters.memory_hits, 1);
            return Ok(module.clone());
        }
        let module = match &self.dir {
            Some(dir) => {
                let path = dir.join(format!("{id:x}-{}.wasmer", &format!("{fingerprint:x}")[..16]));
                cache_file::one_at_a_time(&path, || match self.load(compiler, &path, fingerprint) {
                    Some(module) => Ok(module),
                    None => self.compile(compiler, wasm).inspect(|module| self.store(&path, fingerprint, module)),
                })?
            }
            None => self.compile(compiler, wasm)?,
        };
        self.lock().insert(key, module.clone());
        Ok(module)
    }

    fn compile(&self, compiler: &Compiler, wasm: &[u8]) -> Result<Module, wasmer::CompileError> {
        let start = Instant::now();
        let module = compiler.compile(wasm)?;
        bump(&self.counters.compile_nanos, start.elapsed().as_nanos() as u64);
        bump(&self.counters.compiles, 1);
        Ok(module)
    }

    pub(crate) fn stats(&self) -> CacheStats {
        let c = &self.counters;
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        CacheStats {
            memory_hits: get(&c.memory_hits),
            disk_hits: get(&c.disk_hits),
            compiles: get(&c.compiles),
            disk_writes: get(&c.disk_writes),
            disk_errors: get(&c.disk_errors),
            compile_time: Duration::from_nanos(get(&c.compile_nanos)),
            deserialize_time: Duration::from_nanos(get(&c.deserialize_nanos)),
        }
    }

    /// Forgets the in-memory modules (the disk cache stays).
    pub(crate) fn clear_memory(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Module>> {
        self.memory.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The module in `path`, if the file is whole and was written for `fingerprint`.
    fn load(&self, compiler: &Compiler, path: &Path, fingerprint: B256) -> Option<Module> {
        let body = match cache_file::read(path, MAGIC, fingerprint) {
            Ok(Some(body)) => body,
            Ok(None) => return None,
            Err(why) => return self.reject(path, &why),
        };
        let start = Instant::now();
        // SAFETY: the body is byte for byte what `store` serialized with an engine of the same
        // fingerprint (length and Keccak-256 checked above), the precondition of `deserialize`.
        match unsafe { compiler.deserialize(&body) } {
            Ok(module) => {
                bump(&self.counters.deserialize_nanos, start.elapsed().as_nanos() as u64);
                bump(&self.counters.disk_hits, 1);
                Some(module)
            }
            Err(error) => self.reject(path, &format!("Wasmer refused it: {error}")),
        }
    }

    /// Counts and reports a cache file that cannot be used; the caller recompiles.
    fn reject(&self, path: &Path, why: &str) -> Option<Module> {
        bump(&self.counters.disk_errors, 1);
        eprintln!("diorama: warning: ignoring module cache file {} ({why}); recompiling", path.display());
        None
    }

    /// Writes the module's file (atomically: concurrent readers never see a partial file).
    /// Failures only cost a later recompilation.
    fn store(&self, path: &Path, fingerprint: B256, module: &Module) {
        let written = module
            .serialize()
            .map_err(std::io::Error::other)
            .and_then(|body| cache_file::write(path, MAGIC, fingerprint, &body));
        match written {
            Ok(()) => bump(&self.counters.disk_writes, 1),
            Err(_) => bump(&self.counters.disk_errors, 1),
        }
    }
}

/// First line of every module file.
const MAGIC: &str = "diorama-wasmer-module v2";
