//! Shared helpers of the integration tests.

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

/// The GeneralStateTests folder: `$DIORAMA_STATETESTS`, or `shared/` beside the repository.
pub fn data_dir() -> PathBuf {
    let dir = std::env::var_os("DIORAMA_STATETESTS").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/ethereum-tests/GeneralStateTests")
    });
    assert!(dir.is_dir(), "state tests not found at {} (set DIORAMA_STATETESTS)", dir.display());
    dir
}
