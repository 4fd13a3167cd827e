//! Call routing by code kind: revm asks the precompile provider about every call frame, after
//! it has opened the frame's journal checkpoint and moved the value. Ethereum precompiles run
//! as usual; frames whose code is a Stylus program go to the configured Stylus executor; all
//! other frames fall through to revm's interpreter.
//!
//! Calls to the ArbWasm precompile (`0x…71`) go to diorama's implementation of it.
//!
//! Calls from Stylus frames back into the EVM run as nested revm frame loops over the same
//! context (see `stylus::calls`); they reuse this provider through a clone of the router.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use revm::context::{Cfg, ContextTr, FrameStack, JournalTr};
use revm::handler::{EthFrame, EthPrecompiles, PrecompileProvider};
use revm::interpreter::{CallInputs, InterpreterResult};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{AddressSet, B256};

use crate::code_kind::CodeKind;
use crate::outcome::TxStatus;
use crate::stylus::{
    ARBWASM, ExecutorRoutes, OpenFrames, PageCounters, ProgramError, RootCtx, StylusParams, decode_program,
};

/// What the router learned during one transaction, read back by the world afterwards.
#[derive(Debug, Default)]
pub(crate) struct RouteLog {
    /// The classified status of a foreign frame at depth 0 (the transaction's own frame),
    /// which revm's `ExecutionResult` cannot express (e.g. `outOfInk`).
    pub(crate) top_status: Option<(TxStatus, String)>,
    /// Ink of the transaction: the inclusive ink of its outermost Stylus frames (those with no
    /// Stylus frame above them), so that nothing is counted twice.
    pub(crate) ink_used: u64,
    /// Stylus frames running now (to tell an outermost frame from a nested one).
    pub(crate) stylus_open: usize,
    /// Whether any Stylus frame ran.
    pub(crate) stylus_ran: bool,
    /// Whether a frame ran on an executor that does not meter (so there is no ink figure).
    pub(crate) unmetered: bool,
    /// Every Stylus frame, in the order they started.
    pub(crate) frames: Vec<crate::stylus::FrameRecord>,
    /// Open call frames, for `msg_reentrant`.
    pub(crate) open_frames: OpenFrames,
    /// WASM pages open now and at most in this transaction (memory model).
    pub(crate) pages: PageCounters,
}

/// The world's precompile provider: Ethereum precompiles plus Stylus routing.
///
/// Clones share the executor, the per-transaction log and the pool of frame stacks.
#[derive(Clone)]
pub struct Router {
    eth: EthPrecompiles,
    pub(crate) executors: Rc<ExecutorRoutes>,
    pub(crate) log: Rc<RefCell<RouteLog>>,
    /// The Stylus parameters in force.
    pub(crate) params: StylusParams,
    /// Decompressed programs by code hash (decompression is the costly part of a call entry).
    wasm_cache: Rc<RefCell<HashMap<B256, Arc<Vec<u8>>>>>,
    /// Whether Arbitrum precompiles (ArbWasm) exist; off for Ethereum state tests.
    arbitrum: bool,
    /// Ethereum precompiles, plus ArbWasm on Arbitrum: warm from the start of a transaction.
    warm: AddressSet,
    /// Frame stacks of finished nested EVM runs, reused because building one per nested call
    /// is the main cost of a Stylus→EVM call.
    frame_stacks: Rc<RefCell<Vec<FrameStack<EthFrame>>>>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router").field("spec", &self.eth.spec).field("executors", &self.executors).finish()
    }
}

impl Router {
    /// A router for `spec` with no Stylus executor: Stylus frames fail as `invalidCode`.
    pub fn new(spec: SpecId) -> Self {
        let eth = EthPrecompiles::new(spec);
        let warm = Self::warm_set(&eth, true);
        Self {
            eth,
            executors: Rc::default(),
            log: Rc::default(),
            params: StylusParams::default(),
            wasm_cache: Rc::default(),
            arbitrum: true,
            warm,
            frame_stacks: Rc::default(),
        }
    }

    fn warm_set(eth: &EthPrecompiles, arbitrum: bool) -> AddressSet {
        let mut warm = eth.warm_addresses().clone();
        if arbitrum {
            warm.insert(ARBWASM);
        }
        warm
    }

    /// Turns the Arbitrum precompiles on or off.
    pub(crate) fn set_arbitrum(&mut self, arbitrum: bool) {
        if arbitrum != self.arbitrum {
            self.arbitrum = arbitrum;
            self.warm = Self::warm_set(&self.eth, arbitrum);
        }
    }

    /// Replaces the Stylus parameters (and forgets decompressed programs, whose size limit
    /// may have changed).
    pub(crate) fn set_params(&mut self, params: StylusParams) {
        self.params = params;
        self.wasm_cache.borrow_mut().clear();
    }

    /// The WASM of Stylus `code` with hash `codehash`, decompressed once per router.
    pub(crate) fn wasm(&self, codehash: B256, code: &[u8]) -> Result<Arc<Vec<u8>>, ProgramError> {
        if let Some(wasm) = self.wasm_cache.borrow().get(&codehash) {
            return Ok(wasm.clone());
        }
        let wasm = Arc::new(decode_program(code, self.params.max_wasm_size as usize)?);
        self.wasm_cache.borrow_mut().insert(codehash, wasm.clone());
        Ok(wasm)
    }

    /// A frame stack for a nested EVM run (from the pool when one is free).
    pub(crate) fn take_frame_stack(&self) -> FrameStack<EthFrame> {
        self.frame_stacks.borrow_mut().pop().unwrap_or_default()
    }

    /// Returns a nested run's frame stack to the pool (`frame_init` resets its index).
    pub(crate) fn return_frame_stack(&self, stack: FrameStack<EthFrame>) {
        self.frame_stacks.borrow_mut().push(stack);
    }

    /// Records a foreign frame's classified status if it is the transaction's own frame.
    pub(crate) fn note_status(&self, depth: usize, status: TxStatus, detail: String) {
        if depth <= 1 {
            self.log.borrow_mut().top_status = Some((status, detail));
        }
    }
}

impl<C> PrecompileProvider<C> for Router
where
    C: ContextTr<Cfg: Cfg<Spec = SpecId>> + RootCtx,
{
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: SpecId) -> bool {
        let changed = <EthPrecompiles as PrecompileProvider<C>>::set_spec(&mut self.eth, spec);
        if changed {
            self.warm = Self::warm_set(&self.eth, self.arbitrum);
        }
        changed
    }

    fn run(&mut self, context: &mut C, inputs: &CallInputs) -> Result<Option<InterpreterResult>, String> {
        // revm has opened the frame's checkpoint, so the journal depth is the frame's own.
        let depth = context.root().journal().depth();
        self.log.borrow_mut().open_frames.enter(depth, inputs);
        if self.arbitrum && inputs.bytecode_address == ARBWASM {
            return Ok(Some(crate::stylus::run_arbwasm(self, context.root(), inputs)));
        }
        if CodeKind::of(inputs.known_bytecode.1.original_byte_slice()) != CodeKind::Stylus {
            return self.eth.run(context, inputs);
        }
        crate::stylus::run_frame(self, context.root(), inputs).map(Some)
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.warm
    }

    fn contains(&self, address: &revm::primitives::Address) -> bool {
        (self.arbitrum && *address == ARBWASM) || self.eth.contains(address)
    }
}
