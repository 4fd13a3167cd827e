//! Where a step is written, as its report keeps it.

use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};

/// Where a step is written: shown and serialized as `file:line:column` (the file alone when the
/// position is unknown). Every step's report has one and few are shown, so the text is only
/// made when shown; the steps of a file share its name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepLocation {
    /// The file, as the report names it.
    pub file: Arc<str>,
    /// Line and column of the step, when known.
    pub position: Option<(usize, usize)>,
}

impl fmt::Display for StepLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        match self.position {
            Some((line, column)) => write!(f, ":{line}:{column}"),
            None => Ok(()),
        }
    }
}

impl Serialize for StepLocation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_and_serialized_as_file_line_column() {
        let at = StepLocation { file: "dir/a:b.scen.json".into(), position: Some((12, 5)) };
        assert_eq!(at.to_string(), "dir/a:b.scen.json:12:5");
        assert_eq!(serde_json::to_string(&at).unwrap(), "\"dir/a:b.scen.json:12:5\"");
        let file_only = StepLocation { position: None, ..at };
        assert_eq!(file_only.to_string(), "dir/a:b.scen.json");
    }
}
