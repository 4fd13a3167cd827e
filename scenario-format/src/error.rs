//! The one error type of the crate: a scenario file that cannot be used.

use std::fmt;
use std::path::{Path, PathBuf};

/// A scenario (or included steps file) that cannot be used, with where and why.
///
/// Displayed as `FILE:LINE:COLUMN: JSON_PATH: MESSAGE`, for example
/// `fixtures/x.scen.json:12:7: steps[3].tx.gasLimt: unknown field `gasLimt`, expected one of ...`.
/// Missing parts are left out (no position, or an empty path for the whole document). When the
/// file was reached through `externalSteps`, ` (included from a.scen.json -> b.steps.json)` is
/// appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// The file the error is in (an included file for errors inside `externalSteps`).
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column in characters, when known.
    pub column: Option<usize>,
    /// Where in the document: `steps[3].tx.gasLimit`, `accounts["address:alice"]`; empty for
    /// the whole document.
    pub json_path: String,
    /// What is wrong, lowercase, usually "got …, expected …".
    pub message: String,
    /// The files that included [`FormatError::file`], outermost (the scenario) first; empty
    /// when the error is in the scenario itself.
    pub include_chain: Vec<PathBuf>,
}

impl FormatError {
    /// An error at `json_path` of `file`, positioned by looking the path up in `source`.
    /// A path the text does not have (a missing field) is placed at its nearest enclosing value.
    pub fn at(file: &Path, source: &str, json_path: &str, message: impl Into<String>) -> Self {
        let pos = crate::locate::locate_nearest(source, json_path);
        Self::with_position(file, pos, json_path, message)
    }

    /// Like [`FormatError::at`], but pointing at the key of the last path segment
    /// (for unknown or misplaced fields).
    pub fn at_key(file: &Path, source: &str, json_path: &str, message: impl Into<String>) -> Self {
        let pos = crate::locate_key(source, json_path).or_else(|| crate::locate::locate_nearest(source, json_path));
        Self::with_position(file, pos, json_path, message)
    }

    /// An error with an explicit position (or none).
    pub fn with_position(
        file: &Path,
        position: Option<(usize, usize)>,
        json_path: &str,
        message: impl Into<String>,
    ) -> Self {
        FormatError {
            file: file.to_path_buf(),
            line: position.map(|p| p.0),
            column: position.map(|p| p.1),
            json_path: json_path.to_owned(),
            message: message.into(),
            include_chain: Vec::new(),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        f.write_str(": ")?;
        if !self.json_path.is_empty() {
            write!(f, "{}: ", self.json_path)?;
        }
        f.write_str(&self.message)?;
        if !self.include_chain.is_empty() {
            let chain: Vec<String> = self.include_chain.iter().map(|p| p.display().to_string()).collect();
            write!(f, " (included from {})", chain.join(" -> "))?;
        }
        Ok(())
    }
}

impl std::error::Error for FormatError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_layout() {
        let mut e = FormatError::with_position(
            Path::new("fixtures/x.scen.json"),
            Some((12, 7)),
            "steps[3].tx.gasLimt",
            "unknown field `gasLimt`",
        );
        assert_eq!(e.to_string(), "fixtures/x.scen.json:12:7: steps[3].tx.gasLimt: unknown field `gasLimt`");
        e.json_path.clear();
        e.line = None;
        e.include_chain = vec!["a.scen.json".into(), "b.steps.json".into()];
        assert_eq!(
            e.to_string(),
            "fixtures/x.scen.json: unknown field `gasLimt` (included from a.scen.json -> b.steps.json)"
        );
    }
}
