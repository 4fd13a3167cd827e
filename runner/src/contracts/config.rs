//! `diorama.toml`: the suite configuration that names contract crates for `contract:NAME`.
//!
//! ```toml
//! [contracts]
//! counter = "contracts/counter"   # a stylus-sdk contract crate, relative to this file
//!
//! [native]
//! opt-level = 0                   # the debugger form of the contract crates (0..=3)
//! ```
//!
//! The file that applies to a scenario is the nearest one in the scenario's folder or a parent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::BuildError;

/// The file name.
pub const CONFIG_FILE: &str = "diorama.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    contracts: BTreeMap<String, String>,
    #[serde(default)]
    native: RawNative,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNative {
    #[serde(rename = "opt-level")]
    opt_level: Option<u8>,
}

/// A parsed `diorama.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuiteConfig {
    /// The file.
    pub file: PathBuf,
    /// Contract name → crate folder (absolute, or relative to the current folder if the file's
    /// path was).
    pub contracts: BTreeMap<String, PathBuf>,
    /// `opt-level` of the contract crates' native builds.
    pub native_opt_level: u8,
}

impl SuiteConfig {
    /// Parses `text`, the contents of `file`.
    pub fn parse(file: &Path, text: &str) -> Result<Self, BuildError> {
        let raw: RawConfig = toml::from_str(text).map_err(|error| {
            let (line, column) = error.span().map_or((1, 1), |span| line_column(text, span.start));
            BuildError::Config { file: file.to_path_buf(), line, column, message: error.message().to_string() }
        })?;
        let at = |key: &str| {
            let offset = text.find(key).unwrap_or(0);
            line_column(text, offset)
        };
        let base = file.parent().unwrap_or(Path::new(""));
        let mut contracts = BTreeMap::new();
        for (name, path) in raw.contracts {
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) {
                let (line, column) = at(&name);
                let message = format!("contract name `{name}`: use letters, digits, `_`, `.` and `-`");
                return Err(BuildError::Config { file: file.to_path_buf(), line, column, message });
            }
            contracts.insert(name, base.join(path));
        }
        let native_opt_level = raw.native.opt_level.unwrap_or(0);
        if native_opt_level > 3 {
            let (line, column) = at("opt-level");
            let message = format!("native.opt-level: expected 0 to 3, found {native_opt_level}");
            return Err(BuildError::Config { file: file.to_path_buf(), line, column, message });
        }
        Ok(Self { file: file.to_path_buf(), contracts, native_opt_level })
    }

    /// Reads and parses `file`.
    pub fn load(file: &Path) -> Result<Self, BuildError> {
        let text = super::read_text(file)?;
        Self::parse(file, &text)
    }
}

/// The nearest `diorama.toml` in `dir` or one of its parents.
pub fn find_config(dir: &Path) -> Option<PathBuf> {
    let start = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let absolute = start.canonicalize().ok()?;
    absolute.ancestors().map(|d| d.join(CONFIG_FILE)).find(|f| f.is_file())
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_contracts_relative_to_the_file() {
        let config =
            SuiteConfig::parse(Path::new("suite/diorama.toml"), "[contracts]\ncounter = \"../c/counter\"\n").unwrap();
        assert_eq!(config.contracts["counter"], Path::new("suite/../c/counter"));
        assert_eq!(config.native_opt_level, 0);
    }

    #[test]
    fn unknown_keys_and_bad_values_have_positions() {
        let error = SuiteConfig::parse(Path::new("d.toml"), "[contracts]\ncounter = 3\n").unwrap_err().to_string();
        assert!(error.starts_with("d.toml:2:11: "), "{error}");
        let error = SuiteConfig::parse(Path::new("d.toml"), "[contract]\n").unwrap_err().to_string();
        assert!(error.starts_with("d.toml:1:"), "{error}");
        assert!(error.contains("unknown field"), "{error}");
        let error = SuiteConfig::parse(Path::new("d.toml"), "[native]\nopt-level = 7\n").unwrap_err().to_string();
        assert!(error.starts_with("d.toml:2:1: native.opt-level"), "{error}");
    }
}
