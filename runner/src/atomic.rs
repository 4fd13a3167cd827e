//! Atomic file writes: the new content goes to a temporary file in the same folder, is flushed
//! to disk (fsync), then renamed over the target, and the folder is synced. A process killed at
//! any point leaves either the old file or the new one, never a mix; at worst a stray
//! `.NAME.diorama-tmp.PID.N` file (not a `*.scen.json`, so never taken for a scenario).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Test hook: when set to a path, [`write`] creates that file once the temporary file is on
/// disk and then waits (up to a minute) before renaming, so a test can kill the process at
/// that point and check that the target is intact. Not for users.
pub const PAUSE_BEFORE_RENAME_ENV: &str = "DIORAMA_TEST_PAUSE_BEFORE_RENAME";

/// Copies `from` over `to` atomically (see [`write`]).
pub fn copy(from: &Path, to: &Path) -> std::io::Result<()> {
    write(to, &std::fs::read(from)?)
}

/// Replaces `target` with `contents` atomically, keeping the old file's permissions.
pub fn write(target: &Path, contents: &[u8]) -> std::io::Result<()> {
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Unique per process and per call: two threads may write the same target at once.
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let unique = NEXT.fetch_add(1, Ordering::Relaxed);
    let temp = folder.join(format!(".{name}.diorama-tmp.{}.{unique}", std::process::id()));
    let result = write_temp(&temp, target, contents).and_then(|()| {
        pause_for_tests();
        std::fs::rename(&temp, target)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result?;
    // The rename itself is durable once the folder's entry is on disk.
    if let Ok(dir) = File::open(&folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}

fn write_temp(temp: &Path, target: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(temp)?;
    file.write_all(contents)?;
    if let Ok(meta) = std::fs::metadata(target) {
        file.set_permissions(meta.permissions())?;
    }
    file.sync_all()
}

fn pause_for_tests() {
    let Some(marker) = std::env::var_os(PAUSE_BEFORE_RENAME_ENV) else {
        return;
    };
    let _ = std::fs::write(&marker, b"temp file written\n");
    std::thread::sleep(std::time::Duration::from_secs(60));
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_content_and_leaves_no_temp_file() {
        let dir = std::env::temp_dir().join(format!("diorama-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("a.txt");
        std::fs::write(&target, "old").unwrap();
        super::write(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["a.txt"]);
        super::write(&dir.join("b.txt"), b"created").unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("b.txt")).unwrap(), "created");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_cleans_up() {
        let dir = std::env::temp_dir().join(format!("diorama-atomic-fail-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // A folder where the file should go: the rename fails after the bytes were written.
        let path = dir.join("taken");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inside"), "kept").unwrap();
        assert!(super::write(&path, b"new").is_err());
        assert!(super::copy(&path.join("inside"), &path).is_err());
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["taken"], "no temporary file is left behind");
        assert_eq!(std::fs::read_to_string(path.join("inside")).unwrap(), "kept");
        assert!(super::write(&dir.join("no/such/folder/x"), b"x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
