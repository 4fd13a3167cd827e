//! The result of a run: one entry per (file, test, fork, post entry), in a fixed order.

use std::time::Duration;

use serde::Serialize;
use world_mock::revm::primitives::B256;

use crate::fork;
use crate::model::Indexes;

/// Version of the JSON report's layout.
pub const SCHEMA_VERSION: u32 = 1;

/// What a run found, sorted by file, test, fork (chronologically) and indexes.
#[derive(Clone, Debug, Serialize)]
pub struct StatetestReport {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Test files found (including skipped ones and, after an early stop, ones not run).
    pub files: usize,
    /// Every case that was considered.
    pub cases: Vec<CaseReport>,
    /// The run stopped at the first failure (no `keep_going`): files not started are absent.
    pub stopped_early: bool,
    /// Wall time of the run.
    #[serde(rename = "wall_time_secs", serialize_with = "secs")]
    pub wall_time: Duration,
    /// The first failure re-run with a step trace and an account diff, when diagnosis is on.
    pub diagnosis: Option<String>,
}

/// One case: the transaction variant chosen by `indexes`, run under `fork`.
#[derive(Clone, Debug, Serialize)]
pub struct CaseReport {
    /// The test file, as found from the given paths.
    pub file: String,
    /// The test's name inside the file; empty when a whole file was skipped unparsed.
    pub test: String,
    /// Fork key of `post` (e.g. `Cancun`); empty when a whole file was skipped unparsed.
    pub fork: String,
    /// Position of the entry in the fork's `post` list.
    pub post_index: usize,
    /// `data`/`gas`/`value` indexes of the transaction.
    pub indexes: Option<Indexes>,
    /// What happened.
    pub outcome: CaseOutcome,
}

/// How a case ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum CaseOutcome {
    /// Everything matched.
    Passed,
    /// Something differed.
    Failed {
        /// What differed.
        mismatches: Vec<Mismatch>,
    },
    /// Not run.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// One difference between expectation and execution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mismatch {
    /// Post-state root.
    StateRoot {
        /// From the test.
        #[serde(serialize_with = "hash")]
        expected: B256,
        /// Computed from the world.
        #[serde(serialize_with = "hash")]
        actual: B256,
    },
    /// Keccak of the RLP list of logs.
    LogsHash {
        /// From the test.
        #[serde(serialize_with = "hash")]
        expected: B256,
        /// Computed from the transaction's logs.
        #[serde(serialize_with = "hash")]
        actual: B256,
    },
    /// The transaction was rejected when it should not be, or ran when it should be rejected.
    Exception {
        /// `expectException` of the test.
        expected: Option<String>,
        /// The world's rejection, if any.
        actual: Option<String>,
    },
    /// Return data differs from the test's `out`.
    Output {
        /// From the test (hex).
        expected: String,
        /// Returned (hex).
        actual: String,
    },
    /// The case cannot be run as written (bad index, unusable transaction field) or crashed.
    Invalid {
        /// Why.
        message: String,
    },
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let or_none = |s: &Option<String>| s.clone().unwrap_or_else(|| "none".into());
        match self {
            Self::StateRoot { expected, actual } => {
                write!(f, "state root: expected {expected}, got {actual}")
            }
            Self::LogsHash { expected, actual } => {
                write!(f, "logs hash: expected {expected}, got {actual}")
            }
            Self::Exception { expected, actual } => {
                write!(f, "exception: expected {}, got {}", or_none(expected), or_none(actual))
            }
            Self::Output { expected, actual } => {
                write!(f, "output: expected {expected}, got {actual}")
            }
            Self::Invalid { message } => write!(f, "invalid case: {message}"),
        }
    }
}

impl CaseReport {
    /// `file :: test [Fork d=0 g=0 v=0]`, naming the case for people.
    pub fn label(&self) -> String {
        let mut label = self.file.clone();
        if !self.test.is_empty() {
            label.push_str(&format!(" :: {} [{}", self.test, self.fork));
            if let Some(i) = self.indexes {
                label.push_str(&format!(" d={} g={} v={}", i.data, i.gas, i.value));
            }
            label.push(']');
        }
        label
    }

    pub(crate) fn sort_key(&self) -> impl Ord + '_ {
        (&self.file, &self.test, fork::order(&self.fork), self.indexes, self.post_index)
    }
}

impl StatetestReport {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.count(|o| matches!(o, CaseOutcome::Passed))
    }

    /// Cases that failed.
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, CaseOutcome::Failed { .. }))
    }

    /// Cases (or unparsed files) that were skipped.
    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, CaseOutcome::Skipped { .. }))
    }

    /// The failing cases, in report order.
    pub fn failures(&self) -> impl Iterator<Item = &CaseReport> {
        self.cases.iter().filter(|c| matches!(c.outcome, CaseOutcome::Failed { .. }))
    }

    fn count(&self, pred: impl Fn(&CaseOutcome) -> bool) -> usize {
        self.cases.iter().filter(|c| pred(&c.outcome)).count()
    }

    /// The report as pretty JSON (see [`SCHEMA_VERSION`]).
    pub fn render_json(&self) -> String {
        #[derive(Serialize)]
        struct Summary {
            passed: usize,
            failed: usize,
            skipped: usize,
        }
        #[derive(Serialize)]
        struct Doc<'a> {
            #[serde(flatten)]
            report: &'a StatetestReport,
            summary: Summary,
        }
        let summary = Summary { passed: self.passed(), failed: self.failed(), skipped: self.skipped() };
        serde_json::to_string_pretty(&Doc { report: self, summary })
            .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}

fn hash<S: serde::Serializer>(value: &B256, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

fn secs<S: serde::Serializer>(value: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64((value.as_secs_f64() * 1000.0).round() / 1000.0)
}
