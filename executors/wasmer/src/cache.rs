//! Compiled-module cache: in memory (per executor) and on disk (shared by executors, threads and
//! runs). Keys combine the module hash with the engine and instrumentation versions, so a
//! changed compiler or instrumentation never loads a stale module. Disk files start with a
//! header naming those versions; only files with our exact header are deserialized.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use wasmer::Module;
use world_mock::revm::primitives::{B256, keccak256};

use crate::engine::{Compiler, ENGINE_TAG, INSTRUMENTATION_VERSION};

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

    /// `$DIORAMA_CACHE_DIR`, else `$CARGO_TARGET_DIR/diorama-cache`, else `target/diorama-cache`.
    pub fn from_env() -> Self {
        let dir = match (std::env::var_os(CACHE_DIR_ENV), std::env::var_os("CARGO_TARGET_DIR")) {
            (Some(dir), _) => PathBuf::from(dir),
            (None, Some(target)) => PathBuf::from(target).join("diorama-cache"),
            (None, None) => PathBuf::from("target").join("diorama-cache"),
        };
        Self::with_dir(dir)
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
    /// Disk files that could not be read, were stale or failed to deserialize, or writes that failed.
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

/// Cache key: the program's identity plus what produced the compiled code.
type Key = (B256, &'static str, u32);

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
    pub(crate) fn module(&self, compiler: &Compiler, module_hash: B256, wasm: &[u8]) -> Result<Module, String> {
        let id = if module_hash == B256::ZERO { keccak256(wasm) } else { module_hash };
        let version = INSTRUMENTATION_VERSION + if compiler.metered() { 0 } else { 1 << 31 };
        let key = (id, ENGINE_TAG, version);
        if let Some(module) = self.lock().get(&key) {
            bump(&self.counters.memory_hits, 1);
            return Ok(module.clone());
        }
        let path = self.dir.as_ref().map(|dir| dir.join(format!("{id:x}-v{version}.wasmer")));
        let module = match path.as_deref().and_then(|path| self.load(compiler, path, version)) {
            Some(module) => module,
            None => {
                let start = Instant::now();
                let module = compiler.compile(wasm).map_err(|e| e.to_string())?;
                bump(&self.counters.compile_nanos, start.elapsed().as_nanos() as u64);
                bump(&self.counters.compiles, 1);
                if let Some(path) = &path {
                    self.store(path, version, &module);
                }
                module
            }
        };
        self.lock().insert(key, module.clone());
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

    fn load(&self, compiler: &Compiler, path: &Path, version: u32) -> Option<Module> {
        let bytes = std::fs::read(path).ok()?;
        let Some(body) = bytes.strip_prefix(header(version).as_bytes()) else {
            bump(&self.counters.disk_errors, 1);
            return None;
        };
        let start = Instant::now();
        // SAFETY: the file carries the header this cache writes, naming the same engine and
        // instrumentation version, so its body is `Module::serialize` output of an engine
        // configured like `compiler` (wasmer also validates the archive).
        match unsafe { compiler.deserialize(body) } {
            Ok(module) => {
                bump(&self.counters.deserialize_nanos, start.elapsed().as_nanos() as u64);
                bump(&self.counters.disk_hits, 1);
                Some(module)
            }
            Err(_) => {
                bump(&self.counters.disk_errors, 1);
                None
            }
        }
    }

    /// Writes atomically (temporary file, then rename) so that concurrent readers never see a
    /// partial file. Failures only cost a later recompilation.
    fn store(&self, path: &Path, version: u32, module: &Module) {
        let write = || -> std::io::Result<()> {
            let body = module.serialize().map_err(std::io::Error::other)?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let unique = format!("{:?}-{}", std::thread::current().id(), std::process::id());
            let tmp = path.with_extension(format!("tmp-{}", unique.replace(|c: char| !c.is_ascii_alphanumeric(), "")));
            let mut contents = header(version).into_bytes();
            contents.extend_from_slice(&body);
            std::fs::write(&tmp, contents)?;
            std::fs::rename(&tmp, path)
        };
        match write() {
            Ok(()) => bump(&self.counters.disk_writes, 1),
            Err(_) => bump(&self.counters.disk_errors, 1),
        }
    }
}

/// The first bytes of every cache file.
fn header(version: u32) -> String {
    format!("diorama-wasmer-module\n{ENGINE_TAG}\n{}\nv{version}\n", std::env::consts::ARCH)
}
