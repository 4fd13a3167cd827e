//! `diorama activate FILE.wasm`: what activation would say about a program, offline — what
//! `cargo stylus check` reports, without a node.

use std::fmt::Write;
use std::path::Path;

use alloy_primitives::keccak256;
use scenario_format::input::ReadError;
use serde_json::json;
use world_mock::stylus::{
    ACTIVATION_FIXED_GAS, ActivationError, ActivationInfo, MAX_CODE_SIZE, StylusParams, activate_wasm, encode_program,
};

/// The report for one file: `Ok` with the figures, or `Err` with the rejection.
/// The outer error is a file that cannot be read (an input error, exit 2).
pub fn activation_report(path: &Path) -> Result<Result<(ActivationInfo, usize), ActivationError>, ReadError> {
    let wasm = scenario_format::input::read_bounded(path, scenario_format::input::MAX_DATA_BYTES, "a WASM program")?;
    let code = encode_program(&wasm);
    let codehash = keccak256(&code);
    Ok(activate_wasm(&wasm, codehash, &StylusParams::default()).map(|info| (info, code.len())))
}

/// Human-readable figures.
pub fn render_human(path: &Path, result: &Result<(ActivationInfo, usize), ActivationError>) -> String {
    let mut out = String::new();
    match result {
        Err(reason) => {
            let _ = writeln!(out, "{}: rejected: {reason}", path.display());
        }
        Ok((info, code_len)) => {
            let p = &info.program;
            // Two verdicts, as on chain: activation bounds the decompressed WASM; a CREATE
            // bounds the deployed (compressed) code.
            let deploy = if *code_len <= MAX_CODE_SIZE {
                String::new()
            } else {
                format!("; cannot be deployed by CREATE: {code_len} > {MAX_CODE_SIZE} bytes of code")
            };
            let _ = writeln!(
                out,
                "{}: activates (Stylus v{}, ArbOS {}){deploy}",
                path.display(),
                p.version,
                StylusParams::default().arbos_version
            );
            let rows = [
                ("compressed code", format!("{code_len} bytes (a CREATE allows {MAX_CODE_SIZE})")),
                ("wasm", format!("{} bytes", info.stats.wasm_len)),
                ("module hash", p.module_hash.to_string()),
                ("footprint", format!("{} pages", p.footprint)),
                ("asm estimate", format!("{} bytes", p.asm_estimate)),
                ("init cost", p.init_cost.to_string()),
                ("cached cost", p.cached_cost.to_string()),
                (
                    "activation gas",
                    format!(
                        "{} ({} fixed + {} metered)",
                        ACTIVATION_FIXED_GAS + info.activation_gas,
                        ACTIVATION_FIXED_GAS,
                        info.activation_gas
                    ),
                ),
                ("data fee", format!("{} wei (fresh data pricer)", info.data_fee)),
            ];
            for (name, value) in rows {
                let _ = writeln!(out, "  {name:<16} {value}");
            }
        }
    }
    out
}

/// The same as JSON.
pub fn render_json(path: &Path, result: &Result<(ActivationInfo, usize), ActivationError>) -> serde_json::Value {
    match result {
        Err(reason) => {
            json!({ "file": path.display().to_string(), "activated": false, "deployable": false, "error": reason.to_string() })
        }
        Ok((info, code_len)) => {
            let p = &info.program;
            json!({
                "file": path.display().to_string(),
                "activated": true,
                "deployable": *code_len <= MAX_CODE_SIZE,
                "version": p.version,
                "compressedBytes": code_len,
                "wasmBytes": info.stats.wasm_len,
                "moduleHash": p.module_hash.to_string(),
                "footprint": p.footprint,
                "asmEstimate": p.asm_estimate,
                "initCost": p.init_cost,
                "cachedCost": p.cached_cost,
                "activationGas": ACTIVATION_FIXED_GAS + info.activation_gas,
                "dataFee": info.data_fee.to_string(),
            })
        }
    }
}

/// The JSON document for several files (`schemaVersion` as in `run`'s report).
pub fn render_json_document(programs: Vec<serde_json::Value>) -> String {
    let doc = json!({ "schemaVersion": crate::report::SCHEMA_VERSION, "programs": programs });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
