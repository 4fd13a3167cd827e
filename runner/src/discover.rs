//! Finding scenario files: explicit files as given, folders searched recursively for
//! `*.scen.json`, in sorted order.

use std::path::{Path, PathBuf};

/// Scenario file suffix.
pub const SCENARIO_SUFFIX: &str = ".scen.json";

/// A path given to `run`, `check` or `build` that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// Nothing at the path.
    #[error("{}: no such file or folder", .0.display())]
    Missing(PathBuf),
    /// A device, pipe or socket.
    #[error("{}: not a regular file or folder", .0.display())]
    NotAFile(PathBuf),
    /// A folder that cannot be listed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The folder.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
}

/// Expands `paths` into scenario files. A path that does not exist is an error.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, DiscoverError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files).map_err(|source| DiscoverError::Io { path: path.clone(), source })?;
        } else if path.is_file() {
            files.push(path.clone());
        } else if path.exists() {
            return Err(DiscoverError::NotAFile(path.clone()));
        } else {
            return Err(DiscoverError::Missing(path.clone()));
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(SCENARIO_SUFFIX)) {
            files.push(path);
        }
    }
    Ok(())
}
