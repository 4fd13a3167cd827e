//! Interpreted expectations.

use crate::value::prefixes::NUMBER_SEPARATORS;
use crate::value::{AbiExpect, AddressValue, BytesValue, Check, U256Value, WordValue};
use std::fmt;

/// A transaction's expectations; `None` fields are not checked (omitted, or `"*"` for `out`,
/// `error` and `logs`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expect {
    /// Outcome.
    pub status: Option<Check<Status>>,
    /// Return (or revert) data.
    pub out: Option<Out>,
    /// Revert reason.
    pub error: Option<ErrorExpect>,
    /// Emitted logs.
    pub logs: Option<LogsExpect>,
    /// Deployed address (`deploy` only).
    pub address: Option<Check<AddressValue>>,
    /// Gas used.
    pub gas_used: Option<Check<Comparison>>,
    /// Ink used by all Stylus frames.
    pub ink: Option<Check<Comparison>>,
    /// Activation figures (`activate` steps and deploys with `activate: true`); `None` when
    /// none is checked.
    pub activation: Option<Box<ActivationExpect>>,
}

/// The activation figures an `activate` step (or a deploy with `activate: true`) may check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivationExpect {
    /// Activation data fee (`activate`, or `deploy` with `activate`).
    pub data_fee: Option<Check<U256Value>>,
    /// Activation: Stylus version.
    pub version: Option<Check<u64>>,
    /// Activation: module hash.
    pub module_hash: Option<Check<WordValue>>,
    /// Activation: footprint.
    pub footprint: Option<Check<u64>>,
    /// Activation: init cost.
    pub init_cost: Option<Check<u64>>,
    /// Activation: cached init cost.
    pub cached_cost: Option<Check<u64>>,
    /// Activation: ASM size estimate.
    pub asm_estimate: Option<Check<u64>>,
}

/// A transaction outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// `success`.
    Success,
    /// `revert`.
    Revert,
    /// `failure`: a Stylus trap or host error.
    Failure,
    /// `outOfGas`.
    OutOfGas,
    /// `outOfInk`.
    OutOfInk,
    /// `outOfStack`.
    OutOfStack,
    /// `notActivated`.
    NotActivated,
    /// `invalidCode`.
    InvalidCode,
}

impl Status {
    /// Every status with its JSON spelling.
    pub const ALL: [(Status, &'static str); 8] = [
        (Status::Success, "success"),
        (Status::Revert, "revert"),
        (Status::Failure, "failure"),
        (Status::OutOfGas, "outOfGas"),
        (Status::OutOfInk, "outOfInk"),
        (Status::OutOfStack, "outOfStack"),
        (Status::NotActivated, "notActivated"),
        (Status::InvalidCode, "invalidCode"),
    ];

    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        Self::ALL.iter().find(|(s, _)| *s == self).map_or("", |(_, n)| n)
    }

    /// Parses a JSON spelling.
    pub fn from_name(name: &str) -> Option<Status> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|(s, _)| *s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Expected return data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    /// A JSON list: values decoded by the function's return types (unencoded, `*` allowed).
    Values(Vec<Check<AbiExpect>>),
    /// One string: the raw bytes.
    Raw(BytesValue),
}

/// Expected revert reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorExpect {
    /// `Error(string)` with this message (the bytes of `"str:message"`).
    Message(BytesValue),
    /// A custom error.
    Custom {
        /// `InsufficientBalance(uint256,uint256)`, syntax-checked.
        signature: String,
        /// Its arguments, unencoded, `*` allowed.
        args: Vec<Check<AbiExpect>>,
    },
}

/// Expected logs, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogsExpect {
    /// The logs.
    pub entries: Vec<LogExpect>,
    /// A final `"+"`: more logs may follow.
    pub more_allowed: bool,
}

/// One expected log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogExpect {
    /// Raw topics and data.
    Raw {
        /// Emitter.
        address: Check<AddressValue>,
        /// Topics (`None`: not checked), each a 32-byte word.
        topics: Option<Vec<Check<WordValue>>>,
        /// Data (`None`: not checked).
        data: Option<Check<BytesValue>>,
    },
    /// A decoded event.
    Event {
        /// Emitter.
        address: Check<AddressValue>,
        /// `Transfer(address indexed,address indexed,uint256)`, syntax-checked.
        event: String,
        /// Arguments in declaration order, indexed ones included; unencoded, `*` allowed.
        args: Vec<Check<AbiExpect>>,
    },
}

/// How a measured figure is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `N`.
    Eq,
    /// `<=N`.
    Le,
    /// `>=N`.
    Ge,
}

/// `"N"`, `"<=N"` or `">=N"` (N may use `,` or `_` separators).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Comparison {
    /// The operator.
    pub op: CompareOp,
    /// N.
    pub value: u64,
}

impl Comparison {
    /// Reads `N`, `<=N` or `>=N` (N decimal, below 2^64, with `,` or `_` between digits).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (op, number) = if let Some(n) = text.strip_prefix("<=") {
            (CompareOp::Le, n)
        } else if let Some(n) = text.strip_prefix(">=") {
            (CompareOp::Ge, n)
        } else {
            (CompareOp::Eq, text)
        };
        let valid = number.starts_with(|c: char| c.is_ascii_digit()) && number.ends_with(|c: char| c.is_ascii_digit());
        let digits: String = number.chars().filter(|c| !NUMBER_SEPARATORS.contains(c)).collect();
        let value = digits.parse::<u64>().ok().filter(|_| valid)?;
        Some(Comparison { op, value })
    }

    /// Whether `actual` satisfies the comparison.
    pub fn accepts(&self, actual: u64) -> bool {
        match self.op {
            CompareOp::Eq => actual == self.value,
            CompareOp::Le => actual <= self.value,
            CompareOp::Ge => actual >= self.value,
        }
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.op {
            CompareOp::Eq => "",
            CompareOp::Le => "<=",
            CompareOp::Ge => ">=",
        };
        write!(f, "{op}{}", self.value)
    }
}
