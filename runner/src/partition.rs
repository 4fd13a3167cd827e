//! `--partition k/n`: splits a suite's files across a CI matrix. A file belongs to part
//! `1 + h mod n`, where `h` is the first 8 bytes (big-endian) of the Keccak-256 of its path
//! relative to the run root, written with `/`. The hash does not depend on the machine, the
//! order of discovery or the other files, so the parts of one suite are disjoint and together
//! hold every file once; adding a file never moves another one.

use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;

/// Part `index` (1-based) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partition {
    /// Which part, from 1.
    pub index: u32,
    /// How many parts.
    pub count: u32,
}

impl FromStr for Partition {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let wrong = || format!("got `{text}`, expected k/n with 1 <= k <= n (e.g. 2/3)");
        let (k, n) = text.split_once('/').ok_or_else(wrong)?;
        let index: u32 = k.trim().parse().map_err(|_| wrong())?;
        let count: u32 = n.trim().parse().map_err(|_| wrong())?;
        if index == 0 || count == 0 || index > count {
            return Err(wrong());
        }
        Ok(Self { index, count })
    }
}

impl Partition {
    /// Whether the file at `relative` (to the run root) is in this part.
    pub fn contains(&self, relative: &str) -> bool {
        part_of(relative, self.count) == self.index
    }
}

/// The part (1-based) of `count` that the file at `relative` belongs to.
pub fn part_of(relative: &str, count: u32) -> u32 {
    let hash = alloy_primitives::keccak256(relative.as_bytes());
    let mut head = [0u8; 8];
    head.copy_from_slice(&hash[..8]);
    (u64::from_be_bytes(head) % u64::from(count)) as u32 + 1
}

/// What ran of a partitioned suite, for the summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PartitionInfo {
    /// Which part, from 1.
    pub index: u32,
    /// How many parts.
    pub count: u32,
    /// Files in this part.
    pub files: usize,
    /// Files in the whole suite.
    pub total_files: usize,
}

impl PartitionInfo {
    /// `k/n`.
    pub fn part(&self) -> String {
        format!("{}/{}", self.index, self.count)
    }
}

impl fmt::Display for PartitionInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "partition {}: {} of {} files", self.part(), self.files, self.total_files)
    }
}

/// The run root: the deepest folder holding every PATH (a file counts by its folder). Paths
/// are made absolute (against the current folder) and normalized lexically first.
pub fn run_root(paths: &[PathBuf]) -> PathBuf {
    let mut root: Option<PathBuf> = None;
    for path in paths {
        let absolute = absolute(path);
        let folder =
            if absolute.is_file() { absolute.parent().map(Path::to_path_buf).unwrap_or_default() } else { absolute };
        root = Some(match root {
            None => folder,
            Some(current) => common_ancestor(&current, &folder),
        });
    }
    root.unwrap_or_else(|| absolute(Path::new(".")))
}

/// `path` relative to `root`, with `/` separators (`..` where it is not under `root`).
pub fn relative_to(path: &Path, root: &Path) -> String {
    let path = absolute(path);
    let common = common_ancestor(&path, root);
    let ups = root.components().count() - common.components().count();
    let mut parts: Vec<String> = vec!["..".to_string(); ups];
    parts.extend(
        path.components().skip(common.components().count()).map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// `path` made absolute against the current folder, `.` and `..` resolved lexically.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf())
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn common_ancestor(a: &Path, b: &Path) -> PathBuf {
    a.components().zip(b.components()).take_while(|(x, y)| x == y).map(|(x, _)| x).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_k_of_n() {
        assert_eq!("2/3".parse(), Ok(Partition { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", ""] {
            assert!(bad.parse::<Partition>().unwrap_err().contains("expected k/n"), "{bad}");
        }
    }

    #[test]
    fn every_file_is_in_exactly_one_part() {
        let files: Vec<String> = (0..200).map(|i| format!("suite/{i}.scen.json")).collect();
        for count in 1..6 {
            let mut seen = vec![0; files.len()];
            for index in 1..=count {
                let part = Partition { index, count };
                for (i, file) in files.iter().enumerate() {
                    seen[i] += usize::from(part.contains(file));
                }
            }
            assert!(seen.iter().all(|n| *n == 1), "count {count}");
        }
        // Pinned: a changed hash would silently move files between CI jobs.
        let parts =
            ["a.scen.json", "b.scen.json", "stylus/counter.scen.json", "erc20.scen.json"].map(|f| part_of(f, 7));
        assert_eq!(parts, [4, 2, 4, 6]);
    }

    #[test]
    fn relative_paths_use_slashes_and_dots() {
        let root = Path::new("/x/suite");
        assert_eq!(relative_to(Path::new("/x/suite/a/b.scen.json"), root), "a/b.scen.json");
        assert_eq!(relative_to(Path::new("/x/other/c.scen.json"), root), "../other/c.scen.json");
        assert_eq!(common_ancestor(Path::new("/x/a/b"), Path::new("/x/a/c")), PathBuf::from("/x/a"));
    }
}
