//! Contract builds for `contract:NAME`: resolving a name (a crate registered through the
//! library API, else the nearest `diorama.toml`), building the contract's two forms on demand —
//! its WASM for the `wasmer` executor and its native library for `debugger` — and caching both
//! by a digest of the crate's sources, `Cargo.lock`, flags and toolchain, so that a second run
//! builds nothing.

mod cargo;
mod config;
mod digest;
mod entry;

pub use cargo::STYLUS_WASM_FLAGS;
pub use config::{CONFIG_FILE, SuiteConfig, find_config};

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use alloy_primitives::keccak256;
use executor_debugger::{ABI_VERSION, Entry, NativeProfile, wrapper_crate};

/// A form of a contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    /// The Stylus WASM module.
    Wasm,
    /// The same module with its function names (not stripped), for ink profiles.
    NamedWasm,
    /// The native library for the debugger executor.
    Native,
}

impl std::fmt::Display for Form {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Wasm => "wasm",
            Self::NamedWasm => "wasm with names",
            Self::Native => "native",
        })
    }
}

/// Why a contract could not be resolved or built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// `diorama.toml` is not valid.
    #[error("{}:{line}:{column}: {message}", file.display())]
    Config {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// No registered crate and no `diorama.toml` names the contract.
    #[error("no contract named `{name}`: {why}")]
    Unknown {
        /// The name.
        name: String,
        /// Where diorama looked.
        why: String,
    },
    /// The crate's `Cargo.toml` cannot be used.
    #[error("{}: {message}", path.display())]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// cargo failed; `output` is the compiler's message.
    #[error("building contract `{contract}` ({form}) in {} failed:\n{output}", dir.display())]
    Cargo {
        /// The contract's name.
        contract: String,
        /// The crate's folder (the compiler's paths are relative to its workspace).
        dir: PathBuf,
        /// Which form.
        form: Form,
        /// cargo's output without progress lines.
        output: String,
    },
    /// A file could not be read or written.
    #[error("{}: {message}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The system's message.
        message: String,
    },
}

/// A configuration file (`diorama.toml`, a crate's `Cargo.toml`): a regular UTF-8 file of at
/// most [`MAX_DATA_BYTES`](scenario_format::input::MAX_DATA_BYTES).
fn read_text(path: &Path) -> Result<String, BuildError> {
    let limit = scenario_format::input::MAX_DATA_BYTES;
    let bytes = scenario_format::input::read_bounded(path, limit, "a configuration file")
        .map_err(|e| BuildError::Io { path: path.to_path_buf(), message: e.reason() })?;
    String::from_utf8(bytes).map_err(|e| BuildError::Io {
        path: path.to_path_buf(),
        message: format!("invalid UTF-8 at byte offset {}", e.utf8_error().valid_up_to()),
    })
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> BuildError + '_ {
    move |e| BuildError::Io { path: path.to_path_buf(), message: e.to_string() }
}

/// A contract crate, resolved.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ContractCrate {
    /// The name scenarios use (`contract:NAME`).
    pub name: String,
    /// The crate's folder (canonical).
    pub dir: PathBuf,
    /// The package name in its `Cargo.toml`.
    pub package: String,
    /// The library target's name (the package name with `-` as `_`, unless `[lib] name` says).
    pub lib_name: String,
    /// How its native form is compiled.
    pub native: NativeProfile,
}

impl ContractCrate {
    /// Reads the crate at `dir`.
    pub fn open(name: &str, dir: &Path, native: NativeProfile) -> Result<Self, BuildError> {
        let dir = dir.canonicalize().map_err(|e| BuildError::Io {
            path: dir.to_path_buf(),
            message: format!("contract `{name}`: {e} (is the path in diorama.toml right?)"),
        })?;
        let manifest = dir.join("Cargo.toml");
        let text = read_text(&manifest)?;
        let bad = |message: &str| BuildError::Manifest { path: manifest.clone(), message: message.to_string() };
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| bad(e.message()))?;
        let package = table
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .ok_or_else(|| bad("no [package] name: a contract must be a package, not a workspace"))?
            .to_string();
        let lib = table.get("lib");
        let lib_name = lib
            .and_then(|l| l.get("name"))
            .and_then(|n| n.as_str())
            .map_or_else(|| package.replace('-', "_"), str::to_string);
        if let Some(types) = lib.and_then(|l| l.get("crate-type")).and_then(|t| t.as_array()) {
            let rust_lib = types.iter().any(|t| matches!(t.as_str(), Some("lib" | "rlib")));
            if !rust_lib {
                return Err(bad(
                    "[lib] crate-type has no \"lib\" or \"rlib\": the native form links the contract as a Rust \
                     library (the Stylus template has [\"lib\", \"cdylib\"])",
                ));
            }
        }
        Ok(Self { name: name.to_string(), dir, package, lib_name, native })
    }
}

/// A contract's WASM, built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltWasm {
    /// The module (in the cache; never changes).
    pub path: PathBuf,
    /// Its bytes.
    pub wasm: Arc<Vec<u8>>,
}

type Slot<T> = Arc<OnceLock<Result<T, BuildError>>>;

/// Builds contracts on demand, once per process and form, with a disk cache shared by runs.
/// Thread-safe: scenarios running in parallel wait for one build of a contract.
#[derive(Debug)]
pub struct ContractBuilds {
    cache: PathBuf,
    registered: Mutex<BTreeMap<String, PathBuf>>,
    configs: Mutex<HashMap<PathBuf, Result<Arc<SuiteConfig>, BuildError>>>,
    wasm: Mutex<HashMap<PathBuf, Slot<BuiltWasm>>>,
    named_wasm: Mutex<HashMap<PathBuf, Slot<BuiltWasm>>>,
    native: Mutex<HashMap<PathBuf, Slot<PathBuf>>>,
}

impl Default for ContractBuilds {
    /// Builds kept in `$DIORAMA_CACHE_DIR/contracts` (default `target/diorama-cache/contracts`).
    fn default() -> Self {
        let dir =
            executor_wasmer::CacheOptions::from_env().dir.unwrap_or_else(|| PathBuf::from("target/diorama-cache"));
        Self::new(dir.join("contracts"))
    }
}

impl ContractBuilds {
    /// Builds kept in `cache`.
    pub fn new(cache: impl Into<PathBuf>) -> Self {
        let cache = cache.into();
        let cache = if cache.is_absolute() { cache } else { std::env::current_dir().unwrap_or_default().join(cache) };
        Self {
            cache,
            registered: Mutex::default(),
            configs: Mutex::default(),
            wasm: Mutex::default(),
            named_wasm: Mutex::default(),
            native: Mutex::default(),
        }
    }

    /// Names the crate at `dir` `name` for every scenario, ahead of any `diorama.toml`.
    pub fn register(&self, name: &str, dir: impl Into<PathBuf>) {
        lock(&self.registered).insert(name.to_string(), dir.into());
    }

    /// The crate that `contract:NAME` means in a scenario in folder `scenario_dir`.
    pub fn resolve(&self, name: &str, scenario_dir: &Path) -> Result<ContractCrate, BuildError> {
        if let Some(dir) = lock(&self.registered).get(name).cloned() {
            return ContractCrate::open(name, &dir, NativeProfile::default());
        }
        let Some(file) = find_config(scenario_dir) else {
            let why = format!(
                "no {CONFIG_FILE} in {} or its parents names it (add `[contracts] {name} = \"path/to/crate\"`)",
                scenario_dir.display()
            );
            return Err(BuildError::Unknown { name: name.to_string(), why });
        };
        let config = self.config(&file)?;
        let Some(dir) = config.contracts.get(name) else {
            let known: Vec<&str> = config.contracts.keys().map(String::as_str).collect();
            let why = format!("{} names [{}]", file.display(), known.join(", "));
            return Err(BuildError::Unknown { name: name.to_string(), why });
        };
        ContractCrate::open(name, dir, NativeProfile { contract_opt_level: config.native_opt_level })
    }

    /// Every contract a `diorama.toml` names.
    pub fn config_contracts(&self, file: &Path) -> Result<Vec<ContractCrate>, BuildError> {
        let config = self.config(file)?;
        let profile = NativeProfile { contract_opt_level: config.native_opt_level };
        config.contracts.iter().map(|(name, dir)| ContractCrate::open(name, dir, profile)).collect()
    }

    fn config(&self, file: &Path) -> Result<Arc<SuiteConfig>, BuildError> {
        let mut configs = lock(&self.configs);
        configs.entry(file.to_path_buf()).or_insert_with(|| SuiteConfig::load(file).map(Arc::new)).clone()
    }

    /// The contract's WASM, built (or found in the cache).
    pub fn wasm(&self, krate: &ContractCrate) -> Result<BuiltWasm, BuildError> {
        let slot = lock(&self.wasm).entry(krate.dir.clone()).or_default().clone();
        slot.get_or_init(|| self.build_wasm(krate, Form::Wasm)).clone()
    }

    /// The contract's WASM with function names: what [`Self::wasm`] builds, unstripped (a
    /// separate build, made only for ink profiles).
    pub fn named_wasm(&self, krate: &ContractCrate) -> Result<BuiltWasm, BuildError> {
        let slot = lock(&self.named_wasm).entry(krate.dir.clone()).or_default().clone();
        slot.get_or_init(|| self.build_wasm(krate, Form::NamedWasm)).clone()
    }

    /// The contract's native library, built (or found in the cache).
    pub fn native(&self, krate: &ContractCrate) -> Result<PathBuf, BuildError> {
        let slot = lock(&self.native).entry(krate.dir.clone()).or_default().clone();
        slot.get_or_init(|| self.build_native(krate)).clone()
    }

    fn build_wasm(&self, krate: &ContractCrate, form: Form) -> Result<BuiltWasm, BuildError> {
        let key = self.key(krate, form, &cargo::wasm_flags(form == Form::NamedWasm).join(" "))?;
        let (folder, target) = match form {
            Form::NamedWasm => ("wasm-named", "target-wasm-named"),
            _ => ("wasm", "target-wasm"),
        };
        let cached = self.cache.join(folder).join(format!("{}-{key}.wasm", krate.name));
        if !cached.is_file() {
            // Other diorama processes (parallel test runs, `--isolate` workers) may build it too.
            let _lock = self.build_lock(krate, form)?;
            if !cached.is_file() {
                let built = cargo::build_wasm(krate, &self.cache.join(target), form == Form::NamedWasm)?;
                publish(&built, &cached)?;
            }
        }
        let wasm = std::fs::read(&cached).map_err(io(&cached))?;
        Ok(BuiltWasm { path: cached, wasm: Arc::new(wasm) })
    }

    fn build_native(&self, krate: &ContractCrate) -> Result<PathBuf, BuildError> {
        let wrapper = wrapper_crate(&krate.package, &krate.lib_name, &krate.dir, krate.native, &Entry::Sdk);
        let recipe = format!("abi {ABI_VERSION}\n{}\n{}", wrapper.manifest, wrapper.source);
        let key = self.key(krate, Form::Native, &recipe)?;
        let cached = self.cache.join("native").join(format!("{}-{key}{}", krate.name, std::env::consts::DLL_SUFFIX));
        if cached.is_file() {
            return Ok(cached);
        }
        // One process at a time writes the wrapper crate and builds it: another one writing the
        // SDK entry while this one builds the router entry would publish the wrong library.
        let _lock = self.build_lock(krate, Form::Native)?;
        if cached.is_file() {
            return Ok(cached);
        }
        // One wrapper folder per contract folder (two crates may share a name).
        let id = &format!("{:x}", keccak256(krate.dir.to_string_lossy().as_bytes()))[..12];
        let dir = self.cache.join("native-crates").join(format!("{}-{id}", krate.lib_name));
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        // Start from the contract's lock file, so the native form uses the same dependency versions.
        if let Some(root) = digest::workspace_root(&krate.dir)
            && root.join("Cargo.lock").is_file()
            && !dir.join("Cargo.lock").is_file()
        {
            crate::atomic::copy(&root.join("Cargo.lock"), &dir.join("Cargo.lock")).map_err(io(&dir))?;
        }
        let target = self.cache.join("target-native");
        write_if_changed(&dir.join("Cargo.toml"), &wrapper.manifest)?;
        write_if_changed(&dir.join("lib.rs"), &wrapper.source)?;
        let mut built = cargo::build_native(krate, &dir, &target)?;
        if !entry::exports_user_entrypoint(&built) {
            // The SDK generated no `user_entrypoint` natively (its `reentrant` feature turns on
            // `stylus-test`): enter through the SDK's router instead.
            let missing = |what: &str| BuildError::Manifest {
                path: krate.dir.join("Cargo.toml"),
                message: format!("the native build has no `user_entrypoint` and diorama cannot find {what}"),
            };
            let entrypoint = entry::entrypoint_type(&krate.dir).ok_or_else(|| missing("the `#[entrypoint]` type"))?;
            let sdk_version =
                entry::sdk_version(&dir.join("Cargo.lock")).ok_or_else(|| missing("the stylus-sdk version"))?;
            let router = Entry::Router { entrypoint, sdk_version };
            let wrapper = wrapper_crate(&krate.package, &krate.lib_name, &krate.dir, krate.native, &router);
            write_if_changed(&dir.join("Cargo.toml"), &wrapper.manifest)?;
            write_if_changed(&dir.join("lib.rs"), &wrapper.source)?;
            built = cargo::build_native(krate, &dir, &target)?;
        }
        publish(&built, &cached)?;
        Ok(cached)
    }

    /// An exclusive lock, across processes and threads, on building `form` of `krate` and
    /// publishing it (released when the returned file is dropped). It is taken per library name,
    /// not per crate: crates of one library name (`v1/token` and `v2/token`) build to the same
    /// file of the shared target folder, and one's build must not replace that file while the
    /// other's is being copied into the cache.
    fn build_lock(&self, krate: &ContractCrate, form: Form) -> Result<std::fs::File, BuildError> {
        let dir = self.cache.join("locks");
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let path = dir.join(format!("{}-{form}.lock", krate.lib_name));
        let file =
            std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(io(&path))?;
        file.lock().map_err(io(&path))?;
        Ok(file)
    }

    /// The cache key of a form: its recipe, the crate's sources and the toolchain.
    fn key(&self, krate: &ContractCrate, form: Form, recipe: &str) -> Result<String, BuildError> {
        let sources = digest::source_digest(&krate.dir)?;
        let toolchain = digest::toolchain(&krate.dir)?;
        let text = format!("{form}\n{recipe}\n{sources}\n{toolchain}\n{}", krate.dir.display());
        Ok(format!("{:x}", keccak256(text))[..16].to_string())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// Copies a build output into the cache atomically (a loaded library is never overwritten: the
/// rename replaces the folder entry, not the file a process has mapped).
fn publish(built: &Path, cached: &Path) -> Result<(), BuildError> {
    let dir = cached.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    crate::atomic::copy(built, cached).map_err(io(cached))
}

fn write_if_changed(path: &Path, text: &str) -> Result<(), BuildError> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    // Atomic: worker processes (`--isolate`) may write the same wrapper crate at once.
    crate::atomic::write(path, text.as_bytes()).map_err(io(path))
}

/// The custom errors a contract crate declares in `sol!` blocks (`error Name(type name, …);`),
/// as canonical signatures, read from its sources: the same list its exported ABI would have.
pub fn declared_errors(krate: &ContractCrate) -> Vec<String> {
    let mut errors = Vec::new();
    let mut stack = vec![krate.dir.join("src")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                errors.extend(sol_errors(&text));
            }
        }
    }
    errors.sort();
    errors.dedup();
    errors
}

/// `error Name(uint256 a, address b)` declarations in Rust source, as `Name(uint256,address)`.
fn sol_errors(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("error ") {
        let rest = &text[at + "error ".len()..];
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let after = rest[name.len()..].trim_start();
        let (Some(params), false) = (after.strip_prefix('('), name.is_empty()) else { continue };
        let Some(end) = params.find(')') else { continue };
        if !params[end + 1..].trim_start().starts_with(';') {
            continue;
        }
        let types: Vec<&str> = params[..end]
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .filter_map(|p| p.split_whitespace().next())
            .collect();
        found.push(format!("{name}({})", types.join(",")));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::{ContractBuilds, ContractCrate, Form, NativeProfile, sol_errors};
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn crates_of_one_library_name_build_one_at_a_time() {
        let cache = std::env::temp_dir().join(format!("diorama-build-lock-{}", std::process::id()));
        let builds = ContractBuilds::new(&cache);
        let krate = |dir: &str, lib_name: &str| ContractCrate {
            name: lib_name.into(),
            dir: cache.join(dir),
            package: lib_name.into(),
            lib_name: lib_name.into(),
            native: NativeProfile::default(),
        };
        // Whether a build of `form` of the crate starts within `wait` while v1/token's WASM
        // builds (which then ends, so that a waiting build goes on and the thread ends).
        let starts_beside = |dir: &str, lib_name: &str, form: Form, wait: Duration| {
            let held = builds.build_lock(&krate("v1/token", "token"), Form::Wasm).unwrap();
            let (started, told) = mpsc::channel();
            std::thread::scope(|s| {
                s.spawn(|| {
                    let _lock = builds.build_lock(&krate(dir, lib_name), form).unwrap();
                    started.send(()).unwrap();
                });
                let beside = told.recv_timeout(wait).is_ok();
                drop(held);
                if !beside {
                    told.recv_timeout(Duration::from_secs(30)).expect("the build starts once the other one ends");
                }
                beside
            })
        };
        let long = Duration::from_secs(30);
        assert!(starts_beside("v1/other", "other", Form::Wasm, long), "another library name");
        assert!(starts_beside("v2/token", "token", Form::Native, long), "another form");
        // The same library name: the second build waits (with a lock per crate, it started at once).
        assert!(!starts_beside("v2/token", "token", Form::Wasm, Duration::from_millis(500)));
        let _ = std::fs::remove_dir_all(&cache);
    }

    #[test]
    fn sol_error_declarations_become_signatures() {
        let text = "sol! {\n    error InsufficientBalance(uint256 available, uint256 required);\n    error Empty();\n}\n// an error (not one)";
        assert_eq!(sol_errors(text), vec!["InsufficientBalance(uint256,uint256)".to_string(), "Empty()".to_string()]);
    }
}
