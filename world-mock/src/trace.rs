//! Call traces: every frame of a transaction — EVM, Stylus (with its executor, ink and, if asked,
//! each hostio call) and precompile — as a tree, recorded by the world's inspector while the
//! transaction runs. Off unless a world asks for it ([`TraceLevel`]), so untraced transactions
//! take revm's fast path.

use revm::interpreter::{CallInputs, CallOutcome, CallScheme, CreateInputs, CreateOutcome, InstructionResult};
use revm::primitives::{Address, Bytes, U256};

use crate::stylus::{FrameProfile, HostioRecord, ProfileNode};

/// What a world records about its transactions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TraceLevel {
    /// Record each transaction's call tree.
    pub calls: bool,
    /// Also record each hostio call of Stylus frames.
    pub hostios: bool,
    /// Also profile Stylus frames' ink by function (executors that can; needs `calls`).
    pub profile: bool,
}

/// What ran a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameKind {
    /// EVM bytecode on revm (or an account without code).
    Evm,
    /// A Stylus program, on the named executor.
    Stylus {
        /// `wasmer`, `debugger` (empty when no executor could run it).
        executor: &'static str,
    },
    /// A precompile (Ethereum's, or an Arbitrum one such as ArbWasm).
    Precompile {
        /// Its name.
        name: &'static str,
    },
}

/// How a frame was entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameScheme {
    /// CALL.
    Call,
    /// STATICCALL.
    StaticCall,
    /// DELEGATECALL.
    DelegateCall,
    /// CALLCODE.
    CallCode,
    /// CREATE.
    Create,
    /// CREATE2.
    Create2,
}

impl FrameScheme {
    /// Its name in traces.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Call => "call",
            Self::StaticCall => "staticcall",
            Self::DelegateCall => "delegatecall",
            Self::CallCode => "callcode",
            Self::Create => "create",
            Self::Create2 => "create2",
        }
    }
}

/// One frame of a transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceFrame {
    /// The enclosing frame (an index into [`CallTrace::frames`]); `None` for the transaction's.
    pub parent: Option<usize>,
    /// 0 for the transaction's frame.
    pub depth: usize,
    /// What ran it.
    pub kind: FrameKind,
    /// How it was entered.
    pub scheme: FrameScheme,
    /// `msg.sender`.
    pub caller: Address,
    /// The account whose storage the frame uses (the created address for a create).
    pub target: Address,
    /// The account whose code ran.
    pub code_address: Address,
    /// Calldata, or init code for a create.
    pub input: Bytes,
    /// Value moved.
    pub value: U256,
    /// Gas the frame was given.
    pub gas_limit: u64,
    /// Gas it used.
    pub gas_used: u64,
    /// How it ended: `success`, `revert`, or the halt (`outOfGas`, a Stylus status, …).
    pub status: String,
    /// Return or revert data.
    pub output: Bytes,
    /// Why it did not succeed, when known (trap, panic message).
    pub detail: Option<String>,
    /// Stylus frames: the ink the program started with (its gas after the entry cost).
    pub ink_limit: Option<u64>,
    /// Stylus frames: ink used, nested calls' gas included (`None` if not metered).
    pub ink: Option<u64>,
    /// Stylus frames: ink of the frame's own work.
    pub self_ink: Option<u64>,
    /// Stylus frames: each hostio call, in order (with [`TraceLevel::hostios`]).
    pub hostios: Vec<HostioRecord>,
    /// Stylus frames, when profiled: where the frame's ink went.
    pub profile: Option<FrameProfile>,
    /// Frames entered from a profiled Stylus frame: the caller's stack at the call (ending with
    /// the hostio that made it).
    pub call_site: Vec<ProfileNode>,
}

/// A transaction's frames, in the order they started.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallTrace {
    /// The frames; a frame's children follow it.
    pub frames: Vec<TraceFrame>,
}

impl CallTrace {
    /// The frames whose parent is `parent` (`None`: the top frames).
    pub fn children(&self, parent: Option<usize>) -> impl Iterator<Item = (usize, &TraceFrame)> {
        self.frames.iter().enumerate().filter(move |(_, f)| f.parent == parent)
    }
}

/// Builds a [`CallTrace`] from frame starts and ends.
#[derive(Debug, Default)]
pub(crate) struct TraceBuilder {
    pub(crate) level: TraceLevel,
    trace: CallTrace,
    open: Vec<usize>,
    /// The call site a profiled Stylus frame announced for the frame about to open.
    pub(crate) pending_call_site: Option<Vec<ProfileNode>>,
}

impl TraceBuilder {
    pub(crate) fn new(level: TraceLevel) -> Self {
        Self { level, ..Self::default() }
    }

    /// Opens a frame entered by `scheme` (its kind and results are filled in later).
    fn enter(
        &mut self,
        scheme: FrameScheme,
        caller: Address,
        input: Bytes,
        value: U256,
        gas_limit: u64,
    ) -> &mut TraceFrame {
        let frame = TraceFrame {
            parent: self.open.last().copied(),
            depth: self.open.len(),
            kind: FrameKind::Evm,
            scheme,
            caller,
            target: Address::ZERO,
            code_address: Address::ZERO,
            input,
            value,
            gas_limit,
            gas_used: 0,
            status: String::new(),
            output: Bytes::new(),
            detail: None,
            ink_limit: None,
            ink: None,
            self_ink: None,
            hostios: Vec::new(),
            profile: None,
            call_site: self.pending_call_site.take().unwrap_or_default(),
        };
        let index = self.trace.frames.len();
        self.open.push(index);
        self.trace.frames.push(frame);
        &mut self.trace.frames[index]
    }

    fn exit(&mut self, result: InstructionResult, output: &Bytes, gas_used: u64, created: Option<Address>) {
        let Some(index) = self.open.pop() else { return };
        let frame = &mut self.trace.frames[index];
        if frame.status.is_empty() {
            frame.status = status_of(result).to_string();
        }
        frame.output = output.clone();
        frame.gas_used = gas_used;
        if let Some(created) = created {
            frame.target = created;
        }
    }

    /// The frame now running (the innermost open one).
    pub(crate) fn current(&mut self) -> Option<&mut TraceFrame> {
        let index = *self.open.last()?;
        self.trace.frames.get_mut(index)
    }

    pub(crate) fn call(&mut self, inputs: &CallInputs, input: Bytes) {
        let scheme = match inputs.scheme {
            CallScheme::Call => FrameScheme::Call,
            CallScheme::StaticCall => FrameScheme::StaticCall,
            CallScheme::DelegateCall => FrameScheme::DelegateCall,
            CallScheme::CallCode => FrameScheme::CallCode,
        };
        let frame = self.enter(scheme, inputs.caller, input, inputs.call_value(), inputs.gas_limit);
        frame.target = inputs.target_address;
        frame.code_address = inputs.bytecode_address;
    }

    pub(crate) fn call_end(&mut self, outcome: &CallOutcome) {
        let result = &outcome.result;
        self.exit(result.result, &result.output, result.gas.used(), None);
    }

    pub(crate) fn create(&mut self, inputs: &CreateInputs) {
        let scheme = match inputs.scheme() {
            revm::context_interface::CreateScheme::Create2 { .. } => FrameScheme::Create2,
            _ => FrameScheme::Create,
        };
        self.enter(scheme, inputs.caller(), inputs.init_code().clone(), inputs.value(), inputs.gas_limit());
    }

    pub(crate) fn create_end(&mut self, outcome: &CreateOutcome) {
        let result = &outcome.result;
        self.exit(result.result, &result.output, result.gas.used(), outcome.address);
    }

    pub(crate) fn finish(self) -> CallTrace {
        self.trace
    }
}

/// A frame's status from revm's result (Stylus frames set theirs from their own outcome).
fn status_of(result: InstructionResult) -> &'static str {
    if result.is_ok() {
        "success"
    } else if result == InstructionResult::Revert {
        "revert"
    } else if matches!(
        result,
        InstructionResult::OutOfGas
            | InstructionResult::MemoryOOG
            | InstructionResult::MemoryLimitOOG
            | InstructionResult::PrecompileOOG
            | InstructionResult::InvalidOperandOOG
    ) {
        "outOfGas"
    } else {
        "failure"
    }
}
