//! `diorama build`: builds the contracts that suites name, ahead of a run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::contracts::{CONFIG_FILE, ContractBuilds, find_config};
use crate::discover::DiscoverError;

/// A form to build alone (`--only`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BuildForm {
    /// The WASM module (for `wasmer`).
    Wasm,
    /// The native library (for `debugger`).
    Native,
}

/// The `diorama.toml` files that apply to `paths`: every one under a folder, and the nearest
/// one above each path.
pub fn configs_for(paths: &[PathBuf]) -> Result<BTreeSet<PathBuf>, DiscoverError> {
    let mut configs = BTreeSet::new();
    for path in paths {
        if !path.exists() {
            return Err(DiscoverError::Missing(path.clone()));
        }
        let dir = if path.is_dir() { path.as_path() } else { path.parent().unwrap_or(Path::new(".")) };
        configs.extend(find_config(dir));
        if path.is_dir() {
            walk(path, &mut configs).map_err(|source| DiscoverError::Io { path: path.clone(), source })?;
        }
    }
    Ok(configs)
}

fn walk(dir: &Path, configs: &mut BTreeSet<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if path.is_dir() && name != "target" && !name.starts_with('.') {
            walk(&path, configs)?;
        } else if name == CONFIG_FILE {
            configs.insert(path.canonicalize().unwrap_or(path));
        }
    }
    Ok(())
}

/// Builds every contract the suites under `paths` name; exit code 0, or 2 if a build failed.
pub fn build(paths: &[PathBuf], only: Option<BuildForm>) -> anyhow::Result<u8> {
    let configs = match configs_for(paths) {
        Ok(configs) => configs,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(2);
        }
    };
    if configs.is_empty() {
        eprintln!("diorama build: no {CONFIG_FILE} in or above the given paths; nothing to build");
        return Ok(0);
    }
    let builds = ContractBuilds::default();
    let mut failed = false;
    for config in &configs {
        let contracts = match builds.config_contracts(config) {
            Ok(contracts) => contracts,
            Err(error) => {
                eprintln!("error: {error}");
                failed = true;
                continue;
            }
        };
        for krate in contracts {
            if only != Some(BuildForm::Native) {
                match builds.wasm(&krate) {
                    Ok(built) => println!("{}: wasm {} ({} bytes)", krate.name, built.path.display(), built.wasm.len()),
                    Err(error) => {
                        eprintln!("error: {}: {error}", config.display());
                        failed = true;
                    }
                }
            }
            if only != Some(BuildForm::Wasm) {
                match builds.native(&krate) {
                    Ok(path) => println!("{}: native {}", krate.name, path.display()),
                    Err(error) => {
                        eprintln!("error: {}: {error}", config.display());
                        failed = true;
                    }
                }
            }
        }
    }
    Ok(if failed { 2 } else { 0 })
}
