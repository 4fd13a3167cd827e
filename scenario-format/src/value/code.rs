//! Code expressions: `evm:path`, `wasm:path`, `contract:NAME` or plain bytes.

use super::interpret::{ValueError, interpret};
use super::prefixes::{CONTRACT, EVM, WASM};
use std::path::{Path, PathBuf};

/// Where an account's code comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeSource {
    /// A compiled EVM artifact (JSON with `bytecode`/`deployedBytecode`, or `.bin`/`.hex`);
    /// the path is resolved against the scenario file's folder and exists at load time.
    Evm(PathBuf),
    /// A WASM program file (Stylus); resolved and checked like [`CodeSource::Evm`].
    Wasm(PathBuf),
    /// A Stylus contract crate named in the suite's config file (built by the runner).
    Contract(String),
    /// Literal code bytes from a value expression (`0x6080…`).
    Bytes(Vec<u8>),
}

/// A code expression and what it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeValue {
    /// The expression as written.
    pub original: String,
    /// What it names.
    pub source: CodeSource,
}

impl CodeValue {
    /// Interprets a code expression; `evm:`/`wasm:` files must exist.
    pub fn interpret(expr: &str, base_dir: &Path) -> Result<Self, ValueError> {
        let file = |rel: &str, what| {
            let path = base_dir.join(rel);
            match crate::input::check_file(&path, crate::input::MAX_DATA_BYTES, what) {
                Ok(_) => Ok(path),
                Err(crate::input::ReadError::Io { .. }) if !path.exists() => {
                    Err(ValueError::File { path: path.display().to_string(), reason: "no such file".to_owned() })
                }
                Err(e) => Err(ValueError::File { path: path.display().to_string(), reason: e.reason() }),
            }
        };
        let source = if let Some(rel) = expr.strip_prefix(EVM) {
            CodeSource::Evm(file(rel, "an `evm:` artifact")?)
        } else if let Some(rel) = expr.strip_prefix(WASM) {
            CodeSource::Wasm(file(rel, "a `wasm:` program")?)
        } else if let Some(name) = expr.strip_prefix(CONTRACT) {
            if name.is_empty() {
                return Err(ValueError::ContractName(expr.to_owned()));
            }
            CodeSource::Contract(name.to_owned())
        } else {
            CodeSource::Bytes(
                interpret(expr, base_dir)
                    .map_err(|e| match e {
                        ValueError::UnknownPrefix { prefix, text } => ValueError::UnknownCodePrefix { prefix, text },
                        other => other,
                    })?
                    .into_vec(),
            )
        };
        Ok(CodeValue { original: expr.to_owned(), source })
    }
}
