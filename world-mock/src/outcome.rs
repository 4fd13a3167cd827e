//! What a transaction did: a classified status, never an `Err`, for anything a contract can do.

use revm::context_interface::result::{ExecutionResult, HaltReason, OutOfGasError, Output};
use revm::primitives::{Address, Bytes, Log};

use crate::diff::StateDiff;

/// How a transaction ended. Names match the scenario format's `status` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TxStatus {
    /// Returned normally.
    Success,
    /// Reverted (REVERT opcode, or a Stylus program returning non-zero).
    Revert,
    /// A halt other than running out of gas: invalid opcode, stack error, Stylus trap, host error.
    Failure,
    /// Ran out of gas.
    OutOfGas,
    /// A Stylus program ran out of ink.
    OutOfInk,
    /// A Stylus program exhausted its stack budget.
    OutOfStack,
    /// Called a Stylus program that was never activated.
    NotActivated,
    /// Code that no executor can run (malformed Stylus code, unknown dictionary).
    InvalidCode,
}

impl TxStatus {
    /// The scenario-format spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Revert => "revert",
            Self::Failure => "failure",
            Self::OutOfGas => "outOfGas",
            Self::OutOfInk => "outOfInk",
            Self::OutOfStack => "outOfStack",
            Self::NotActivated => "notActivated",
            Self::InvalidCode => "invalidCode",
        }
    }
}

impl std::fmt::Display for TxStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of one executed transaction.
#[derive(Clone, Debug)]
pub struct TxOutcome {
    /// How it ended.
    pub status: TxStatus,
    /// revm's halt reason when the status came from a halt (e.g. `InvalidFEOpcode`).
    pub halt_reason: Option<String>,
    /// Return data, or revert data when reverted.
    pub output: Bytes,
    /// Gas used by the transaction (receipt gas, after refunds).
    pub gas_used: u64,
    /// Ink used by the transaction's Stylus frames, when every frame was metered: the sum of the
    /// inclusive ink (nitro's `ink_limit − ink_left`, nested calls' gas included) of the
    /// outermost Stylus frames, those with no Stylus frame above them, so that the ink of a
    /// nested Stylus frame is never counted twice. Per-frame figures are in `stylus_frames`.
    pub ink_used: Option<u64>,
    /// The transaction's Stylus frames, in the order they started.
    pub stylus_frames: Vec<crate::stylus::FrameRecord>,
    /// A Stylus frame ran on an executor that does not meter (the native debugger), so the
    /// transaction's gas is not the chain's.
    pub unmetered: bool,
    /// The call tree, when the world traces (`World::set_trace`).
    pub trace: Option<crate::trace::CallTrace>,
    /// Logs, in emission order (empty unless successful).
    pub logs: Vec<Log>,
    /// The address of a contract created by a deploy transaction.
    pub created: Option<Address>,
    /// What the transaction changed (also for a query, which is not committed); empty when the
    /// world does not record diffs (`World::set_diffs`).
    pub diff: StateDiff,
}

impl TxOutcome {
    /// Classifies a revm execution result.
    pub(crate) fn from_result(result: ExecutionResult<HaltReason>, diff: StateDiff) -> Self {
        let gas_used = result.tx_gas_used();
        match result {
            ExecutionResult::Success { logs, output, .. } => {
                let created = match &output {
                    Output::Create(_, address) => *address,
                    Output::Call(_) => None,
                };
                let output = match output {
                    // A deploy's output is the runtime code; the caller checks code through state.
                    Output::Create(code, _) => code,
                    Output::Call(data) => data,
                };
                Self {
                    status: TxStatus::Success,
                    halt_reason: None,
                    output,
                    gas_used,
                    ink_used: None,
                    stylus_frames: Vec::new(),
                    unmetered: false,
                    trace: None,
                    logs,
                    created,
                    diff,
                }
            }
            ExecutionResult::Revert { output, .. } => Self {
                status: TxStatus::Revert,
                halt_reason: None,
                output,
                gas_used,
                ink_used: None,
                stylus_frames: Vec::new(),
                unmetered: false,
                trace: None,
                logs: Vec::new(),
                created: None,
                diff,
            },
            ExecutionResult::Halt { reason, .. } => {
                let status = match reason {
                    HaltReason::OutOfGas(_) => TxStatus::OutOfGas,
                    _ => TxStatus::Failure,
                };
                let detail = match reason {
                    HaltReason::OutOfGas(kind) => out_of_gas_detail(kind).to_string(),
                    other => format!("{other:?}"),
                };
                Self {
                    status,
                    halt_reason: Some(detail),
                    output: Bytes::new(),
                    gas_used,
                    ink_used: None,
                    stylus_frames: Vec::new(),
                    unmetered: false,
                    trace: None,
                    logs: Vec::new(),
                    created: None,
                    diff,
                }
            }
        }
    }
}

fn out_of_gas_detail(kind: OutOfGasError) -> &'static str {
    match kind {
        OutOfGasError::Basic => "OutOfGas",
        OutOfGasError::MemoryLimit => "OutOfGas(MemoryLimit)",
        OutOfGasError::Memory => "OutOfGas(Memory)",
        OutOfGasError::Precompile => "OutOfGas(Precompile)",
        OutOfGasError::InvalidOperand => "OutOfGas(InvalidOperand)",
        OutOfGasError::ReentrancySentry => "OutOfGas(ReentrancySentry)",
    }
}
