//! The interpreted model the runner uses: values already turned into bytes, numbers and
//! addresses, `externalSteps` flattened away, and every step knowing where it was written.

mod expect;
mod steps;

pub use expect::{ActivationExpect, CompareOp, Comparison, ErrorExpect, Expect, LogExpect, LogsExpect, Out, Status};
pub use steps::{
    AccountCheck, AccountState, Activate, ActivateTx, ArbitrumState, BlockState, CallFields, CallTx, CheckState,
    Deploy, DeployTx, DumpState, NewAddress, ProgramCheck, SetState, StorageCheck, Transfer, TransferTx,
};

use std::path::PathBuf;
use std::sync::Arc;

/// A loaded scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// `name`, or the file name without `.scen.json`.
    pub name: String,
    /// `comment`.
    pub comment: Option<String>,
    /// The Stylus executors this scenario is restricted to (`wasmer`, `debugger`); `None`: all.
    pub executors: Option<Vec<String>>,
    /// The scenario file, as given to the loader.
    pub file: PathBuf,
    /// The steps, with `externalSteps` replaced by the included steps.
    pub steps: Vec<StepEntry>,
}

/// One step with its common fields and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepEntry {
    /// Where the step is written.
    pub origin: Origin,
    /// `id`.
    pub id: Option<String>,
    /// `comment`.
    pub comment: Option<String>,
    /// What it does (boxed: the steps of a large file are a long list, and a step's size is
    /// that of its largest kind).
    pub step: Box<Step>,
}

impl StepEntry {
    /// How messages name the step: its `id`, else `#index` (position in the flattened list).
    pub fn label(&self) -> String {
        self.id.clone().unwrap_or_else(|| format!("#{}", self.origin.index))
    }
}

/// What the steps of a load keep of their text only messages quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quotes {
    /// All of it.
    #[default]
    Kept,
    /// What a passing run reports, for a run whose messages are never shown (one given up at its
    /// first failure, then run again from steps loaded with quotes). The steps may have empty
    /// [`Origin::json_path`]s, and empty written texts (`original`) for values, but a call's `to`
    /// (reports name the contract called by it when its code has no name): each string left
    /// empty is an allocation less.
    Dropped,
}

impl Quotes {
    /// `text` as a value keeps it.
    pub(crate) fn of(self, text: &str) -> String {
        match self {
            Quotes::Kept => text.to_owned(),
            Quotes::Dropped => String::new(),
        }
    }
}

/// Where a step is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file the step is written in (an included file for `externalSteps`).
    pub file: Arc<PathBuf>,
    /// The step's path within that file: `steps[3]`.
    pub json_path: String,
    /// Position in the scenario's flattened step list.
    pub index: usize,
    /// The text of [`Origin::file`], for locating sub-paths.
    pub source: Arc<String>,
    /// The files that included [`Origin::file`], outermost first (empty for the scenario).
    pub include_chain: Vec<PathBuf>,
    /// Line and column of the step in its file, found when the file was loaded.
    pub position: Option<(usize, usize)>,
}

impl Origin {
    /// Line and column of the step itself.
    pub fn position(&self) -> Option<(usize, usize)> {
        self.position
    }

    /// Line and column of a path inside the step, such as `tx.args[1]` or `expect.out[0]`; for
    /// a path the step does not have (an error about a missing field), the position of the
    /// nearest enclosing value it has (the object lacking the field).
    pub fn locate(&self, sub_path: &str) -> Option<(usize, usize)> {
        crate::locate::locate_nearest(&self.source, &self.path(sub_path))
    }

    /// The full JSON path of a path inside the step: `steps[3].tx.args[1]`.
    pub fn path(&self, sub_path: &str) -> String {
        crate::path::join(&self.json_path, sub_path)
    }

    /// A [`crate::FormatError`] about a path inside the step (for the runner's own semantic
    /// errors, such as an argument that does not fit its ABI type).
    pub fn error(&self, sub_path: &str, message: impl Into<String>) -> crate::FormatError {
        let path = self.path(sub_path);
        let mut e = crate::FormatError::at(&self.file, &self.source, &path, message);
        e.include_chain = self.include_chain.clone();
        e
    }
}

/// A step's action. `externalSteps` do not appear: they are flattened at load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `setState`.
    SetState(SetState),
    /// `deploy`.
    Deploy(Deploy),
    /// `activate`.
    Activate(Activate),
    /// `call`: committed.
    Call(CallTx),
    /// `query`: nothing committed (eth_call).
    Query(CallTx),
    /// `transfer`.
    Transfer(Transfer),
    /// `checkState`.
    CheckState(CheckState),
    /// `dumpState`.
    DumpState(DumpState),
}

impl Step {
    /// The step's JSON name (`setState`, `call`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Step::SetState(_) => "setState",
            Step::Deploy(_) => "deploy",
            Step::Activate(_) => "activate",
            Step::Call(_) => "call",
            Step::Query(_) => "query",
            Step::Transfer(_) => "transfer",
            Step::CheckState(_) => "checkState",
            Step::DumpState(_) => "dumpState",
        }
    }
}
