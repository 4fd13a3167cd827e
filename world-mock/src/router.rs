//! Call routing by code kind: revm asks the precompile provider about every call frame, after
//! it has opened the frame's journal checkpoint and moved the value. Ethereum precompiles run
//! as usual; frames whose code is a Stylus program go to the configured Stylus executor; all
//! other frames fall through to revm's interpreter.
//!
//! Calls to Arbitrum precompile addresses (`0x64`–`0x74`, `0xff`, …) go to `crate::arbos`
//! on Arbitrum worlds (never in Ethereum state tests).
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

use crate::arbos::ArbosConfig;
use crate::block::BlockSettings;
use crate::code_kind::CodeKind;
use crate::outcome::TxStatus;
use crate::stylus::{ExecutorRoutes, OpenFrames, PageCounters, ProgramError, RootCtx, StylusParams, program_wasm};
use crate::trace::FrameKind;
use crate::world::WorldCtx;

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
    /// The call tree being recorded, when tracing.
    pub(crate) trace: Option<crate::trace::TraceBuilder>,
    /// Open call frames, for `msg_reentrant`.
    pub(crate) open_frames: OpenFrames,
    /// WASM pages open now and at most in this transaction (memory model).
    pub(crate) pages: PageCounters,
    /// A call reached an Arbitrum precompile diorama does not implement (the message).
    pub(crate) unimplemented: Option<String>,
}

/// nitro's per-block recent-program cache (`RecentWasms`, ArbOS 60+): an LRU of code hashes,
/// created with capacity `BlockCacheSize` at its first insertion and dropped with the block.
#[derive(Clone, Debug, Default)]
pub(crate) struct RecentWasms {
    /// Most recently used last.
    entries: Vec<B256>,
    capacity: Option<usize>,
}

impl RecentWasms {
    /// Inserts `codehash`, returning whether it was already present (a hit).
    pub(crate) fn insert(&mut self, codehash: B256, retain: u16) -> bool {
        let capacity = *self.capacity.get_or_insert(usize::from(retain));
        if let Some(at) = self.entries.iter().position(|h| *h == codehash) {
            let hit = self.entries.remove(at);
            self.entries.push(hit);
            return true;
        }
        if capacity == 0 {
            return false;
        }
        if self.entries.len() == capacity {
            self.entries.remove(0);
        }
        self.entries.push(codehash);
        false
    }
}

/// The world's precompile provider: Ethereum precompiles plus Stylus routing.
///
/// Clones share the executor, the per-transaction log and the pool of frame stacks.
#[derive(Clone)]
pub struct Router {
    eth: EthPrecompiles,
    pub(crate) executors: Rc<ExecutorRoutes>,
    pub(crate) log: Rc<RefCell<RouteLog>>,
    /// The world's inspector, for nested runs (shares `log`).
    pub(crate) inspector: crate::inspector::WorldInspector,
    /// The Stylus parameters in force.
    pub(crate) params: StylusParams,
    /// Decompressed programs by code hash (decompression is the costly part of a call entry).
    wasm_cache: Rc<RefCell<HashMap<B256, Arc<Vec<u8>>>>>,
    /// Whether Arbitrum precompiles exist; off for Ethereum state tests.
    arbitrum: bool,
    /// Ethereum precompiles, plus the Arbitrum ones on Arbitrum: warm from a transaction's start.
    warm: AddressSet,
    /// Chain settings the ArbOS precompiles read.
    pub(crate) arbos: ArbosConfig,
    /// The current block (the L2 number and gas limit, for ArbSys and ArbGasInfo).
    pub(crate) block: BlockSettings,
    /// The recent-program cache of the current block (ArbOS 60+).
    pub(crate) recent: Rc<RefCell<RecentWasms>>,
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
            inspector: Default::default(),
            params: StylusParams::default(),
            wasm_cache: Rc::default(),
            arbitrum: true,
            warm,
            arbos: ArbosConfig::default(),
            block: BlockSettings::default(),
            recent: Rc::default(),
            frame_stacks: Rc::default(),
        }
    }

    fn warm_set(eth: &EthPrecompiles, arbitrum: bool) -> AddressSet {
        let mut warm = eth.warm_addresses().clone();
        if arbitrum {
            warm.extend(crate::arbos::precompile_addresses());
        }
        warm
    }

    /// Whether the Arbitrum precompiles are on.
    pub(crate) fn arbitrum(&self) -> bool {
        self.arbitrum
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

    /// The WASM of Stylus `code` with hash `codehash` (a classic program, or from ArbOS 60 a
    /// root whose fragments are read through the journal, at no charge as when nitro calls a
    /// program), decompressed once per router.
    pub(crate) fn wasm(&self, ctx: &mut WorldCtx, codehash: B256, code: &[u8]) -> Result<Arc<Vec<u8>>, ProgramError> {
        if let Some(wasm) = self.wasm_cache.borrow().get(&codehash) {
            return Ok(wasm.clone());
        }
        let mut source = |address| {
            let code = ctx.journal_mut().code(address).map(|load| load.data).unwrap_or_default();
            Ok(code.to_vec())
        };
        let params = &self.params;
        let wasm = program_wasm(code, params.max_wasm_size as usize, params.arbos_version, None, &mut source)?;
        let wasm = Arc::new(wasm);
        self.wasm_cache.borrow_mut().insert(codehash, wasm.clone());
        Ok(wasm)
    }

    /// Records a call to an Arbitrum precompile diorama does not implement.
    pub(crate) fn note_unimplemented(&self, depth: usize, detail: &str) {
        self.log.borrow_mut().unimplemented.get_or_insert_with(|| detail.to_string());
        self.note_status(depth, TxStatus::Failure, detail.to_string());
    }

    /// A frame stack for a nested EVM run (from the pool when one is free).
    pub(crate) fn take_frame_stack(&self) -> FrameStack<EthFrame> {
        self.frame_stacks.borrow_mut().pop().unwrap_or_default()
    }

    /// Returns a nested run's frame stack to the pool (`frame_init` resets its index).
    pub(crate) fn return_frame_stack(&self, stack: FrameStack<EthFrame>) {
        self.frame_stacks.borrow_mut().push(stack);
    }

    /// Says what ran the frame being traced (the innermost open one), when tracing.
    pub(crate) fn tag_frame(&self, kind: FrameKind) {
        if let Some(frame) = self.log.borrow_mut().trace.as_mut().and_then(|t| t.current()) {
            frame.kind = kind;
        }
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
        if self.arbitrum && crate::arbos::is_precompile(&inputs.bytecode_address) {
            let name = crate::arbos::precompile_name(&inputs.bytecode_address).unwrap_or("ArbOS precompile");
            self.tag_frame(FrameKind::Precompile { name });
            return Ok(Some(crate::arbos::run(self, context.root(), inputs)));
        }
        let code = inputs.known_bytecode.1.original_byte_slice();
        if !self.arbitrum || CodeKind::at_version(code, self.params.arbos_version) != CodeKind::Stylus {
            let result = self.eth.run(context, inputs)?;
            if result.is_some() {
                self.tag_frame(FrameKind::Precompile { name: precompile_name(&inputs.bytecode_address) });
            }
            return Ok(result);
        }
        crate::stylus::run_frame(self, context.root(), inputs).map(Some)
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.warm
    }

    fn contains(&self, address: &revm::primitives::Address) -> bool {
        (self.arbitrum && crate::arbos::is_precompile(address)) || self.eth.contains(address)
    }
}

/// The Ethereum precompile at `address`, by its usual name.
fn precompile_name(address: &revm::primitives::Address) -> &'static str {
    let index = if address.0[..19].iter().all(|b| *b == 0) { address.0[19] } else { 0xff };
    match index {
        0x01 => "ecrecover",
        0x02 => "sha256",
        0x03 => "ripemd160",
        0x04 => "identity",
        0x05 => "modexp",
        0x06 => "ecadd",
        0x07 => "ecmul",
        0x08 => "ecpairing",
        0x09 => "blake2f",
        0x0a => "kzg point evaluation",
        0x0b..=0x11 => "bls12-381",
        _ => "precompile",
    }
}
