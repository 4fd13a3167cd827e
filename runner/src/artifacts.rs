//! Compiled EVM artifacts (`evm:path`): solc/Hardhat JSON (`bytecode`, `deployedBytecode` as hex
//! strings), Foundry JSON (`{"object": "0x…"}`), or a `.bin`/`.hex` file of init code.
//! Loaded once per path and shared between scenarios, together with the contract builds
//! (`contract:NAME`, see [`crate::contracts`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use alloy_primitives::hex;
use scenario_format::input::{MAX_DATA_BYTES, read_bounded};
use serde_json::Value;

use crate::abi::Signature;
use crate::contracts::ContractBuilds;

/// An `evm:` artifact that cannot be used: which file and why (unreadable, not JSON, no
/// `bytecode`, bad hex, unlinked libraries).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ArtifactError(pub String);

/// Init code and runtime code of a contract.
#[derive(Clone, Debug)]
pub struct Artifact {
    /// Creation bytecode (what a deploy sends).
    pub bytecode: Arc<Vec<u8>>,
    /// Runtime bytecode (what `setState` puts in an account); `None` for `.bin` files.
    pub deployed: Option<Arc<Vec<u8>>>,
    /// The custom errors its ABI declares (`Name(uint256,address)`), to decode revert data
    /// with; parsed once, with the artifact.
    pub errors: Arc<Vec<Arc<Signature>>>,
    /// The functions its ABI declares (`name(types)(returns)`), to decode calls in traces.
    pub functions: Arc<Vec<Arc<Signature>>>,
}

/// What scenarios' code fields name, loaded or built once and shared between scenarios: EVM
/// artifacts (`evm:`) and Stylus contract builds (`contract:`). Thread-safe.
#[derive(Clone, Debug, Default)]
pub struct Artifacts {
    cache: Arc<Mutex<HashMap<PathBuf, Artifact>>>,
    contracts: Arc<ContractBuilds>,
}

impl Artifacts {
    /// Artifacts whose `contract:` builds come from `contracts`.
    pub fn with_contracts(contracts: Arc<ContractBuilds>) -> Self {
        Self { cache: Arc::default(), contracts }
    }

    /// The contract builds.
    pub fn contracts(&self) -> &ContractBuilds {
        &self.contracts
    }

    /// Loads (or returns the cached) artifact at `path`.
    pub fn load(&self, path: &Path) -> Result<Artifact, ArtifactError> {
        if let Ok(cache) = self.cache.lock()
            && let Some(found) = cache.get(path)
        {
            return Ok(found.clone());
        }
        let artifact = read_artifact(path).map_err(ArtifactError)?;
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(path.to_path_buf(), artifact.clone());
        }
        Ok(artifact)
    }
}

fn read_artifact(path: &Path) -> Result<Artifact, String> {
    let bytes = read_bounded(path, MAX_DATA_BYTES, "an `evm:` artifact")
        .map_err(|e| format!("cannot read artifact {}: {}", path.display(), e.reason()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        format!("{}: invalid UTF-8 at byte offset {at}, expected a JSON, .bin or .hex artifact", path.display())
    })?;
    let is_json = path.extension().is_some_and(|e| e == "json");
    if !is_json {
        let bytecode = decode_hex(text.trim()).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(Artifact {
            bytecode: Arc::new(bytecode),
            deployed: None,
            errors: Arc::default(),
            functions: Arc::default(),
        });
    }
    let json: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}:{}:{}: invalid artifact JSON: {e}", path.display(), e.line(), e.column()))?;
    let field = |name: &str| -> Result<Option<Vec<u8>>, String> {
        let node = json.get(name).or_else(|| json.pointer(&format!("/evm/{name}")));
        let text = match node {
            None => return Ok(None),
            Some(Value::String(s)) => s.as_str(),
            Some(Value::Object(o)) => o.get("object").and_then(Value::as_str).unwrap_or(""),
            Some(_) => {
                return Err(format!("{}: `{name}` must be a hex string or {{\"object\": …}}", path.display()));
            }
        };
        decode_hex(text).map(Some).map_err(|e| format!("{}: `{name}`: {e}", path.display()))
    };
    let bytecode = field("bytecode")?.ok_or_else(|| format!("{}: artifact has no `bytecode`", path.display()))?;
    let deployed = field("deployedBytecode")?;
    let abi = json.get("abi").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    Ok(Artifact {
        bytecode: Arc::new(bytecode),
        deployed: deployed.map(Arc::new),
        errors: Arc::new(Signature::parse_each(abi_entries(abi, "error", false))),
        functions: Arc::new(Signature::parse_each(abi_entries(abi, "function", true))),
    })
}

/// The entries of one `kind` (`error`, `function`) of a JSON ABI as signatures, with the
/// return types (`name(types)(returns)`) when `returns`.
fn abi_entries(abi: &[Value], kind: &str, returns: bool) -> Vec<String> {
    let types = |list: &Value| list.as_array().map(|i| i.iter().map(abi_type).collect::<Vec<_>>().join(","));
    abi.iter()
        .filter(|entry| entry["type"] == kind)
        .filter_map(|entry| {
            let name = entry["name"].as_str()?;
            let inputs = types(&entry["inputs"])?;
            match types(&entry["outputs"]) {
                Some(outputs) if returns && !outputs.is_empty() => Some(format!("{name}({inputs})({outputs})")),
                _ => Some(format!("{name}({inputs})")),
            }
        })
        .collect()
}

/// A JSON ABI parameter's canonical type (tuples spelled out from their components).
fn abi_type(param: &Value) -> String {
    let ty = param["type"].as_str().unwrap_or_default();
    match ty.strip_prefix("tuple") {
        Some(suffix) => {
            let components = param["components"].as_array().map(|c| c.iter().map(abi_type).collect::<Vec<_>>());
            format!("({}){suffix}", components.unwrap_or_default().join(","))
        }
        None => ty.to_string(),
    }
}

fn decode_hex(text: &str) -> Result<Vec<u8>, String> {
    if text.contains("__$") {
        return Err("bytecode has unlinked library placeholders".to_string());
    }
    hex::decode(text.trim_start_matches("0x")).map_err(|e| format!("invalid hex bytecode: {e}"))
}
