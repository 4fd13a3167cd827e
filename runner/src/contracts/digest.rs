//! What a contract build depends on, hashed: the crate's files, its path dependencies' files,
//! the workspace's `Cargo.toml`, `Cargo.lock` and `.cargo/config.toml`, and the toolchain. Two
//! builds with the same digest produce the same artifacts, so the second is skipped.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use alloy_primitives::{B256, keccak256};

use super::BuildError;

/// Folders never part of a crate's sources.
const SKIPPED_DIRS: &[&str] = &["target", ".git", "node_modules"];

/// The digest of everything the crate at `dir` is built from.
pub(crate) fn source_digest(dir: &Path) -> Result<B256, BuildError> {
    let mut crates = BTreeSet::new();
    collect_crates(dir, &mut crates)?;
    let mut text = Vec::new();
    for krate in &crates {
        hash_tree(krate, &mut text)?;
    }
    if let Some(root) = workspace_root(dir) {
        for name in ["Cargo.toml", "Cargo.lock", "rust-toolchain", "rust-toolchain.toml"] {
            hash_file(&root.join(name), &mut text)?;
        }
    }
    for ancestor in dir.ancestors() {
        for name in [".cargo/config.toml", ".cargo/config"] {
            hash_file(&ancestor.join(name), &mut text)?;
        }
    }
    Ok(keccak256(text))
}

/// `rustc -vV` as seen from `dir` (where a `rust-toolchain` file may pick another toolchain).
pub(crate) fn toolchain(dir: &Path) -> Result<String, BuildError> {
    let output = Command::new("rustc")
        .arg("-vV")
        .current_dir(dir)
        .output()
        .map_err(|e| BuildError::Io { path: PathBuf::from("rustc"), message: e.to_string() })?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The folder of the workspace `dir` belongs to: the nearest ancestor whose `Cargo.toml` has a
/// `[workspace]` table, else `dir` itself.
pub(crate) fn workspace_root(dir: &Path) -> Option<PathBuf> {
    let dir = dir.canonicalize().ok()?;
    for ancestor in dir.ancestors() {
        let manifest = ancestor.join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&manifest)
            && let Ok(value) = text.parse::<toml::Table>()
            && value.contains_key("workspace")
        {
            return Some(ancestor.to_path_buf());
        }
    }
    Some(dir)
}

/// `dir` and, recursively, the crates it names as path dependencies.
fn collect_crates(dir: &Path, seen: &mut BTreeSet<PathBuf>) -> Result<(), BuildError> {
    let dir = dir.canonicalize().map_err(|e| BuildError::Io { path: dir.to_path_buf(), message: e.to_string() })?;
    if !seen.insert(dir.clone()) {
        return Ok(());
    }
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| BuildError::Io { path: manifest.clone(), message: e.to_string() })?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| BuildError::Manifest {
        path: manifest.clone(),
        message: e.message().to_string(),
    })?;
    let workspace_deps = workspace_root(&dir)
        .and_then(|root| std::fs::read_to_string(root.join("Cargo.toml")).ok().map(|t| (root, t)))
        .and_then(|(root, text)| text.parse::<toml::Table>().ok().map(|t| (root, t)));
    for section in ["dependencies", "build-dependencies"] {
        let Some(deps) = table.get(section).and_then(|d| d.as_table()) else { continue };
        for (name, spec) in deps {
            let path = match spec.get("path").and_then(|p| p.as_str()) {
                Some(path) => Some(dir.join(path)),
                None if spec.get("workspace").and_then(|w| w.as_bool()) == Some(true) => {
                    workspace_deps.as_ref().and_then(|(root, ws)| {
                        let dep = ws.get("workspace")?.get("dependencies")?.get(name)?;
                        dep.get("path").and_then(|p| p.as_str()).map(|p| root.join(p))
                    })
                }
                None => None,
            };
            if let Some(path) = path {
                collect_crates(&path, seen)?;
            }
        }
    }
    Ok(())
}

/// Appends every file under `dir` (its path, then the hash of its contents), in sorted order.
fn hash_tree(dir: &Path, out: &mut Vec<u8>) -> Result<(), BuildError> {
    let io = |e: std::io::Error| BuildError::Io { path: dir.to_path_buf(), message: e.to_string() };
    let mut entries: Vec<_> = std::fs::read_dir(dir).map_err(io)?.collect::<Result<_, _>>().map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        let file_type = entry.file_type().map_err(io)?;
        if file_type.is_dir() {
            let skipped = SKIPPED_DIRS.iter().any(|s| name == *s) || name.to_string_lossy().starts_with('.');
            if !skipped {
                hash_tree(&path, out)?;
            }
        } else if file_type.is_file() && name != "Cargo.lock" {
            hash_file(&path, out)?;
        }
    }
    Ok(())
}

fn hash_file(path: &Path, out: &mut Vec<u8>) -> Result<(), BuildError> {
    match std::fs::read(path) {
        Ok(bytes) => {
            out.extend_from_slice(path.to_string_lossy().as_bytes());
            out.push(0);
            out.extend_from_slice(keccak256(&bytes).as_slice());
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(BuildError::Io { path: path.to_path_buf(), message: e.to_string() }),
    }
}

#[cfg(test)]
mod tests {
    use super::source_digest;

    #[test]
    fn digest_changes_with_a_source_file_and_only_then() {
        let dir = std::env::temp_dir().join(format!("diorama-digest-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::create_dir_all(dir.join("target/debug")).unwrap();
        std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"x\"\nversion = \"0.1.0\"\n").unwrap();
        std::fs::write(dir.join("src/lib.rs"), "pub fn a() {}\n").unwrap();
        let first = source_digest(&dir).unwrap();
        assert_eq!(source_digest(&dir).unwrap(), first);
        std::fs::write(dir.join("target/debug/out"), "build output").unwrap();
        assert_eq!(source_digest(&dir).unwrap(), first, "target/ is not a source");
        std::fs::write(dir.join("src/lib.rs"), "pub fn b() {}\n").unwrap();
        assert_ne!(source_digest(&dir).unwrap(), first);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
