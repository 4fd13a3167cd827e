//! Files of diorama's disk cache (compiled modules, encoded Stylus programs): a header (a
//! magic line naming the kind and version, a fingerprint of what produced the body, the body's
//! length and its Keccak-256) before the body. A body is used only when all four match, so a
//! damaged, truncated or foreign file is a miss, never a wrong input. Files are written
//! atomically, so concurrent readers (threads, processes) never see a partial one.

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use world_mock::revm::primitives::{B256, keccak256};

/// The header for `body`: `magic`, `fingerprint`, the body's length and hash, one per line.
pub fn header(magic: &str, fingerprint: B256, body: &[u8]) -> String {
    format!("{magic}\n{fingerprint:x}\n{}\n{:x}\n", body.len(), keccak256(body))
}

/// The body of a cache file, if its header is `magic`, `fingerprint`, and the body's own length
/// and hash; else why not.
pub fn verified_body<'a>(bytes: &'a [u8], magic: &str, fingerprint: B256) -> Result<&'a [u8], &'static str> {
    let mut rest = bytes;
    let mut line = || -> Result<&str, &'static str> {
        let end = rest.iter().position(|b| *b == b'\n').ok_or("truncated header")?;
        let text = std::str::from_utf8(&rest[..end]).map_err(|_| "damaged header")?;
        rest = &rest[end + 1..];
        Ok(text)
    };
    if line()? != magic {
        return Err("not a diorama cache file of this kind and version");
    }
    if line()? != format!("{fingerprint:x}") {
        return Err("written by another engine, instrumentation or encoder");
    }
    let length: usize = line()?.parse().map_err(|_| "damaged header")?;
    let hash = line()?.to_string();
    if rest.len() != length {
        return Err("truncated or extended body");
    }
    if format!("{:x}", keccak256(rest)) != hash {
        return Err("damaged body (hash mismatch)");
    }
    Ok(rest)
}

/// Reads the body of the file at `path`: `Ok(None)` when there is none, `Err(why)` when it
/// cannot be used.
pub fn read(path: &Path, magic: &str, fingerprint: B256) -> Result<Option<Vec<u8>>, String> {
    let mut bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(format!("cannot read it: {error}")),
    };
    let header_len = bytes.len() - verified_body(&bytes, magic, fingerprint)?.len();
    // The body is the buffer's tail: the header is dropped in place, not the body copied.
    bytes.drain(..header_len);
    Ok(Some(bytes))
}

/// Writes `body` with its header to `path`: a temporary file in the same folder, flushed, then
/// renamed over `path`.
pub fn write(path: &Path, magic: &str, fingerprint: B256, body: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let unique = format!("{:?}-{}", std::thread::current().id(), std::process::id());
    let tmp = path.with_extension(format!("tmp-{}", unique.replace(|c: char| !c.is_ascii_alphanumeric(), "")));
    let mut contents = header(magic, fingerprint, body).into_bytes();
    contents.extend_from_slice(body);
    let written = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        std::io::Write::write_all(&mut file, &contents)?;
        file.sync_all()?; // on disk before the rename makes it visible
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Paths some thread of this process is reading, making or writing, and the signal that one
/// of them was let go.
static BUSY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static LET_GO: Condvar = Condvar::new();

/// Runs `work` (read the file at `path`, or make its body and write it) while no other thread
/// of this process works on the same path. Threads that need the same file thus wait for the
/// first: a damaged file is reported and rewritten once, and the others read the new one
/// instead of each making the body again.
pub fn one_at_a_time<T>(path: &Path, work: impl FnOnce() -> T) -> T {
    let mut paths = busy_paths();
    while paths.iter().any(|p| p == path) {
        paths = LET_GO.wait(paths).unwrap_or_else(PoisonError::into_inner);
    }
    paths.push(path.to_path_buf());
    drop(paths);
    let _release = Release(path);
    work()
}

fn busy_paths() -> MutexGuard<'static, Vec<PathBuf>> {
    BUSY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Lets `path` go when dropped, also when the work panics.
struct Release<'a>(&'a Path);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        let mut paths = busy_paths();
        paths.retain(|p| p != self.0);
        drop(paths);
        LET_GO.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::{header, verified_body};
    use world_mock::revm::primitives::B256;

    const MAGIC: &str = "diorama-test-file v1";

    #[test]
    fn every_damaged_byte_is_refused() {
        let fingerprint = B256::repeat_byte(7);
        let body = b"serialized module body".to_vec();
        let mut file = header(MAGIC, fingerprint, &body).into_bytes();
        file.extend_from_slice(&body);
        assert_eq!(verified_body(&file, MAGIC, fingerprint), Ok(&body[..]));
        assert!(verified_body(&file, MAGIC, B256::repeat_byte(8)).is_err(), "another fingerprint");
        assert!(verified_body(&file, "diorama-test-file v2", fingerprint).is_err(), "another kind");
        for offset in 0..file.len() {
            let mut damaged = file.clone();
            damaged[offset] ^= 0x20;
            assert!(verified_body(&damaged, MAGIC, fingerprint).is_err(), "byte {offset} flipped");
        }
        assert!(verified_body(&file[..file.len() - 1], MAGIC, fingerprint).is_err(), "truncated");
        let mut longer = file.clone();
        longer.push(0);
        assert!(verified_body(&longer, MAGIC, fingerprint).is_err(), "extended");
    }
}
