//! Reading the files a scenario names, bounded: only regular files, at most a fixed size, so
//! that `file:/dev/zero` or an `externalSteps` path to `/dev/urandom` is an input error instead
//! of a process that grows until the machine kills it.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest scenario or steps file (JSON text): 256 MiB, four times a 100,000-transfer scenario
/// written out in full (about 60 MB, the size the performance benchmark loads).
pub const MAX_SCENARIO_BYTES: u64 = 256 << 20;

/// Largest data file: `file:` values, `evm:` artifacts, `wasm:` programs and the files of
/// `diorama activate` (16 MiB; a Stylus program may be 128 KiB once decompressed, EVM init code
/// 48 KiB, calldata about 2 MB in a 30,000,000-gas block).
pub const MAX_DATA_BYTES: u64 = 16 << 20;

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file system refused (missing file, permissions).
    #[error("cannot read `{}`: {reason}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The system's message.
        reason: String,
    },
    /// A folder, device, pipe or socket.
    #[error("`{}` is {kind}, expected a regular file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is: "a folder", "a character device", …
        kind: &'static str,
    },
    /// Larger than the limit for its kind of file.
    #[error("`{}` is larger than {}, the limit for {what}", path.display(), size_text(*limit))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit.
        limit: u64,
        /// What kind of file: "a scenario file", "a data file".
        what: &'static str,
    },
}

impl ReadError {
    /// The message without the path (for messages that name the path already).
    pub fn reason(&self) -> String {
        match self {
            ReadError::Io { reason, .. } => reason.clone(),
            ReadError::NotAFile { kind, .. } => format!("it is {kind}, expected a regular file"),
            ReadError::TooLarge { limit, what, .. } => {
                format!("larger than {}, the limit for {what}", size_text(*limit))
            }
        }
    }
}

/// Checks that `path` is a regular file of at most `limit` bytes, without reading it.
pub fn check_file(path: &Path, limit: u64, what: &'static str) -> Result<u64, ReadError> {
    let io = |e: std::io::Error| ReadError::Io { path: path.to_path_buf(), reason: e.to_string() };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile { path: path.to_path_buf(), kind: kind_of(&meta.file_type()) });
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { path: path.to_path_buf(), limit, what });
    }
    Ok(meta.len())
}

/// Reads a regular file of at most `limit` bytes. The type and size are checked before the file
/// is opened (opening a named pipe would block), and the read itself stops after `limit + 1`
/// bytes (files whose size the system does not know, such as those of `/proc`, or that grow).
pub fn read_bounded(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, ReadError> {
    let size = check_file(path, limit, what)?;
    let io = |e: std::io::Error| ReadError::Io { path: path.to_path_buf(), reason: e.to_string() };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { path: path.to_path_buf(), limit, what });
    }
    Ok(bytes)
}

/// `16 MiB`, `10 bytes`.
fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

fn kind_of(file_type: &std::fs::FileType) -> &'static str {
    if file_type.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_fifo() {
            return "a named pipe";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_folders_are_refused_unread() {
        for (path, kind) in
            [("/dev/zero", "a character device"), ("/dev/urandom", "a character device"), (".", "a folder")]
        {
            let path = Path::new(path);
            if !path.exists() {
                continue;
            }
            assert_eq!(read_bounded(path, 10, "a test file"), Err(ReadError::NotAFile { path: path.into(), kind }));
        }
    }

    #[test]
    fn sizes_are_bounded_even_when_the_system_does_not_know_them() {
        let dir = std::env::temp_dir().join(format!("diorama-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("eleven.bin");
        std::fs::write(&file, b"eleven byte").unwrap();
        assert_eq!(read_bounded(&file, 11, "a test file").unwrap(), b"eleven byte");
        let err = read_bounded(&file, 10, "a test file").unwrap_err();
        assert_eq!(err, ReadError::TooLarge { path: file.clone(), limit: 10, what: "a test file" });
        assert!(err.to_string().contains("larger than 10 bytes, the limit for a test file"), "{err}");
        // /proc files report a size of 0 but have content: the read itself stops at the limit.
        let status = Path::new("/proc/self/status");
        if status.exists() {
            assert!(matches!(read_bounded(status, 8, "a test file"), Err(ReadError::TooLarge { .. })));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
