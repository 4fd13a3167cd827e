//! Every file diorama writes — `--report`, `dumpState`'s file, contract builds and the files of
//! their wrapper crates — is written atomically: a temporary file in the target's folder, its
//! bytes flushed to disk, then renamed over the target. A reader (another run, a CI step reading
//! the report) or a crash never sees a half-written file; a failed write leaves the old file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A temporary name next to `path`, unique within this machine's running processes.
fn temporary(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let unique = format!(".{name}.tmp-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    path.with_file_name(unique)
}

/// Writes `bytes` to `path` atomically (see the module).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temporary(path);
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    } else {
        sync_folder(path);
    }
    result
}

/// Copies `from` to `to` atomically (see the module).
pub fn copy_atomic(from: &Path, to: &Path) -> std::io::Result<()> {
    let tmp = temporary(to);
    let result = (|| {
        std::fs::copy(from, &tmp)?;
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, to)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    } else {
        sync_folder(to);
    }
    result
}

/// Flushes the rename itself (the folder's entry) where the system allows it; best effort.
fn sync_folder(path: &Path) {
    #[cfg(unix)]
    if let Some(folder) = path.parent() {
        let folder = if folder.as_os_str().is_empty() { Path::new(".") } else { folder };
        if let Ok(dir) = std::fs::File::open(folder) {
            let _ = dir.sync_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("diorama-atomic-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = folder("replace");
        let path = dir.join("report.json");
        std::fs::write(&path, "old").unwrap();
        write_atomic(&path, b"new report").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new report");
        copy_atomic(&path, &dir.join("copy.json")).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("copy.json")).unwrap(), "new report");
        assert_eq!(entries(&dir), ["copy.json", "report.json"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_cleans_up() {
        let dir = folder("fail");
        // A folder where the file should go: the rename fails after the bytes were written.
        let path = dir.join("taken");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inside"), "kept").unwrap();
        assert!(write_atomic(&path, b"new").is_err());
        assert!(copy_atomic(&dir.join("taken/inside"), &path).is_err());
        assert_eq!(entries(&dir), ["taken"], "no temporary file is left behind");
        assert_eq!(std::fs::read_to_string(path.join("inside")).unwrap(), "kept");
        assert!(write_atomic(&dir.join("no/such/folder/x"), b"x").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
