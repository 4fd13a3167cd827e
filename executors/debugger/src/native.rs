//! Loading a contract's native library: once per process, never unloaded (frame threads may
//! still be parked inside it), with the ABI checked and diorama's table installed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::abi::{ABI_VERSION, HookTable};
use crate::table::TABLE;
use crate::worker::EntryFn;

/// Why a native library cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NativeError {
    /// `dlopen` failed.
    #[error("cannot load {path}: {message}")]
    Load {
        /// The library.
        path: PathBuf,
        /// The loader's message.
        message: String,
    },
    /// A symbol the ABI needs is missing.
    #[error("{path} has no `{symbol}` (not built by diorama's native wrapper, or no `#[entrypoint]`?)")]
    Symbol {
        /// The library.
        path: PathBuf,
        /// The missing symbol.
        symbol: &'static str,
    },
    /// The library was built for another version of the ABI.
    #[error("{path} was built for native ABI {found}, this diorama speaks {ABI_VERSION}; rebuild it")]
    Abi {
        /// The library.
        path: PathBuf,
        /// Its ABI version.
        found: u32,
    },
}

/// A loaded native contract.
#[derive(Debug)]
pub struct NativeProgram {
    path: PathBuf,
    entry: EntryFn,
}

impl NativeProgram {
    /// The library file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn entry(&self) -> EntryFn {
        self.entry
    }

    /// Loads the library at `path` (once per process: a second call returns the same program).
    pub fn load(path: &Path) -> Result<Arc<Self>, NativeError> {
        static LOADED: Mutex<Option<HashMap<PathBuf, Arc<NativeProgram>>>> = Mutex::new(None);
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let mut loaded = LOADED.lock().unwrap_or_else(|p| p.into_inner());
        let loaded = loaded.get_or_insert_with(HashMap::new);
        if let Some(program) = loaded.get(&path) {
            return Ok(program.clone());
        }
        let program = Arc::new(Self::open(&path)?);
        loaded.insert(path, program.clone());
        Ok(program)
    }

    fn open(path: &Path) -> Result<Self, NativeError> {
        let error = |message: String| NativeError::Load { path: path.to_path_buf(), message };
        // SAFETY: loading runs the library's initialisers; the library is a contract build made
        // by diorama's wrapper, trusted like any code the user asks diorama to run.
        let library = unsafe { libloading::Library::new(path) }.map_err(|e| error(e.to_string()))?;
        let symbol = |name: &'static str| NativeError::Symbol { path: path.to_path_buf(), symbol: name };
        // SAFETY: the symbols' types are those the generated wrapper defines (checked by ABI
        // version before use).
        unsafe {
            let abi = library
                .get::<unsafe extern "C" fn() -> u32>(b"diorama_native_abi\0")
                .map_err(|_| symbol("diorama_native_abi"))?;
            let found = abi();
            if found != ABI_VERSION {
                return Err(NativeError::Abi { path: path.to_path_buf(), found });
            }
            // The SDK's own entrypoint, else the wrapper's router fallback (see `abi::Entry`).
            let entry = match library.get::<EntryFn>(b"user_entrypoint\0") {
                Ok(entry) => *entry,
                Err(_) => {
                    *library.get::<EntryFn>(b"diorama_router_entrypoint\0").map_err(|_| symbol("user_entrypoint"))?
                }
            };
            let install = library
                .get::<unsafe extern "C" fn(*const HookTable) -> u32>(b"diorama_native_install\0")
                .map_err(|_| symbol("diorama_native_install"))?;
            install(&TABLE);
            // Never unloaded: frame threads may be parked in its code, and its symbols are used
            // for the rest of the process.
            std::mem::forget(library);
            Ok(Self { path: path.to_path_buf(), entry })
        }
    }
}
