//! The world: state, block and one revm instance that runs every transaction over them.

use revm::bytecode::Bytecode;
use revm::context::{BlockEnv, CfgEnv, Context, Evm, FrameStack, Journal, TxEnv};
use revm::context_interface::result::{EVMError, InvalidTransaction};
use revm::handler::EthFrame;
use revm::handler::instructions::EthInstructions;
use revm::interpreter::interpreter::EthInterpreter;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, B256, Bytes, TxKind, U256};
use revm::{DatabaseCommit, ExecuteEvm, InspectEvm};

use crate::arbos::ArbosConfig;
use crate::block::BlockSettings;
use crate::diff::StateDiff;
use crate::inspector::WorldInspector;
use crate::outcome::TxOutcome;
use crate::router::{RouteLog, Router};
use crate::state::WorldState;
use crate::stylus::{
    ActivationError, ArbosStorage, ProgramInfo, ProgramRecord, StylusExecutor, StylusParams, activate_wasm,
    program_wasm,
};
use crate::trace::{TraceBuilder, TraceLevel};

/// The EVM spec scenarios run under: Cancun, the EVM of ArbOS 32–50 (Stylus v2 chains).
pub const DEFAULT_SPEC: SpecId = SpecId::CANCUN;

/// revm's context over the world state.
pub type WorldCtx = Context<BlockEnv, TxEnv, CfgEnv, WorldState, Journal<WorldState>, ()>;
/// revm over the world: its inspector (naming, tracing), mainnet instructions, routing precompiles.
pub type WorldEvm =
    Evm<WorldCtx, WorldInspector, EthInstructions<EthInterpreter, WorldCtx>, Router, EthFrame<EthInterpreter>>;

/// A transaction as the scenario runner describes it.
#[derive(Clone, Debug, Default)]
pub struct TxRequest {
    /// Sender.
    pub from: Address,
    /// `None` deploys `data` as init code; `Some` calls that address.
    pub to: Option<Address>,
    /// Calldata, or init code for a deploy.
    pub data: Bytes,
    /// Value sent.
    pub value: U256,
    /// Gas limit; the block gas limit when `None`.
    pub gas_limit: Option<u64>,
    /// Gas price in wei (0 by default, so balances change only by value).
    pub gas_price: u128,
}

/// Why a transaction could not run at all (it would not be included in a block).
#[derive(Debug, thiserror::Error)]
#[error("transaction rejected: {0}")]
pub struct TxRejected(pub String);

/// Whether an executed transaction's changes are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Commit {
    /// Keep the changes (a mined transaction).
    Yes,
    /// Discard them (`eth_call`).
    No,
}

/// The simulated chain.
#[derive(Debug)]
pub struct World {
    pub(crate) evm: WorldEvm,
    block: BlockSettings,
    trace: TraceLevel,
    /// Whether outcomes carry their state diff (`set_diffs`).
    diffs: bool,
}

impl Default for World {
    fn default() -> Self {
        Self::new(DEFAULT_SPEC)
    }
}

impl World {
    /// An empty world running the EVM rules of `spec`.
    pub fn new(spec: SpecId) -> Self {
        let mut state = WorldState::new();
        state.clear_empty = spec.is_enabled_in(SpecId::SPURIOUS_DRAGON);
        let mut ctx: WorldCtx = Context::new(state, spec);
        // Stylus code starts with 0xEF: deployable as on Arbitrum (EIP-3541 exemption).
        ctx.cfg.disable_eip3541 = true;
        ctx.cfg.tx_gas_limit_cap = Some(u64::MAX);
        let block = BlockSettings::default();
        ctx.cfg.chain_id = block.chain_id;
        ctx.block = block.to_env(spec);
        let mut precompiles = Router::new(spec);
        precompiles.set_params(StylusParams::for_arbos_version(block.arbos_version));
        precompiles.block = block.clone();
        // One inspector, shared with the router for nested runs, over the router's log.
        let inspector = WorldInspector { names: Default::default(), log: precompiles.log.clone() };
        precompiles.inspector = inspector.clone();
        let evm = Evm {
            ctx,
            inspector,
            instruction: EthInstructions::new_mainnet_with_spec(spec),
            precompiles,
            frame_stack: FrameStack::new_prealloc(8),
        };
        let mut world = Self { evm, block, trace: TraceLevel::default(), diffs: true };
        world.install_precompile_code();
        world
    }

    /// Records the call tree (and, with `hostios`, each hostio call; with `profile`, each Stylus
    /// frame's ink profile) of every later transaction in its outcome's `trace`.
    pub fn set_trace(&mut self, level: TraceLevel) {
        self.trace = level;
    }

    /// Whether each later transaction's outcome carries its state diff (`diff`; on by default).
    /// Comparing every touched account and slot with the state before costs a few percent of a
    /// simple transaction, so a caller that never reads the diff turns it off.
    pub fn set_diffs(&mut self, on: bool) {
        self.diffs = on;
    }

    /// Gives every ArbOS precompile the chain's version has its placeholder code (`0xFE`), as
    /// nitro's genesis and ArbOS upgrades do, so that Solidity can call it.
    fn install_precompile_code(&mut self) {
        let version = self.evm.precompiles.params.arbos_version;
        let state = self.state_mut();
        let code = Bytecode::new_raw(crate::arbos::PRECOMPILE_CODE.to_vec().into());
        let hash = code.hash_slow();
        for (address, since) in crate::arbos::PRECOMPILE_VERSIONS {
            if version >= since && state.account(&address).is_none_or(|a| a.code_bytes().is_empty()) {
                state.set_bytecode(address, code.clone(), hash);
            }
        }
    }

    /// Removes the placeholder code of precompile accounts that hold nothing else.
    fn remove_precompile_code(&mut self) {
        let state = self.state_mut();
        for (address, _) in crate::arbos::PRECOMPILE_VERSIONS {
            let placeholder = state.account(&address).is_some_and(|a| {
                a.code_bytes() == crate::arbos::PRECOMPILE_CODE
                    && a.balance.is_zero()
                    && a.nonce == 0
                    && a.storage.is_empty()
            });
            if placeholder {
                state.remove_account(&address);
            }
        }
    }

    /// The EVM spec in force.
    pub fn spec(&self) -> SpecId {
        self.evm.ctx.cfg.spec
    }

    /// The persistent state.
    pub fn state(&self) -> &WorldState {
        &self.evm.ctx.journaled_state.database
    }

    /// The persistent state, to set accounts directly (`setState`).
    pub fn state_mut(&mut self) -> &mut WorldState {
        &mut self.evm.ctx.journaled_state.database
    }

    /// The current block.
    pub fn block(&self) -> &BlockSettings {
        &self.block
    }

    /// Replaces the current block. Its ArbOS version becomes the Stylus parameters' version, and
    /// a new version sets the parameters nitro's upgrades set: Stylus version (1 on ArbOS 30, 2
    /// from 31), MinInitGas (72, then 69) and the stack depth (262,144, then 22,000 from 50).
    pub fn set_block(&mut self, block: BlockSettings) {
        if block.arbos_version != self.evm.precompiles.params.arbos_version {
            // What nitro's ArbOS upgrades set follows the version: Stylus version 2 and
            // MinInitGas 69 from 31, the 22,000 stack cap from 50.
            let defaults = StylusParams::for_arbos_version(block.arbos_version);
            let params = StylusParams {
                arbos_version: block.arbos_version,
                version: defaults.version,
                min_init_gas: defaults.min_init_gas,
                max_stack_depth: defaults.max_stack_depth,
                ..self.evm.precompiles.params.clone()
            };
            self.evm.precompiles.set_params(params);
            if self.evm.precompiles.arbitrum() {
                // An upgrade installs the precompiles it brings.
                self.install_precompile_code();
            }
        }
        if block.number != self.block.number {
            // The recent-program cache lives for one block.
            *self.evm.precompiles.recent.borrow_mut() = Default::default();
        }
        self.evm.ctx.cfg.chain_id = block.chain_id;
        self.evm.ctx.block = block.to_env(self.spec());
        self.evm.precompiles.block = block.clone();
        self.block = block;
    }

    /// The chain settings the ArbOS precompiles read (owners, cache managers, fee accounts, L1
    /// and L2 prices).
    pub fn arbos_config(&self) -> &ArbosConfig {
        &self.evm.precompiles.arbos
    }

    /// Replaces the ArbOS settings (`setState.arbitrum`).
    pub fn set_arbos_config(&mut self, config: ArbosConfig) {
        self.evm.precompiles.arbos = config;
    }

    /// Whether `address` is a chain-internal account of an Arbitrum world: an Arbitrum
    /// precompile (ArbSys, ArbWasm, …), the ArbOS state account, or the network fee account.
    /// Activation and L2→L1 messages write them; `checkState` does not require a scenario to
    /// list them.
    pub fn is_system_account(&self, address: &Address) -> bool {
        let router = &self.evm.precompiles;
        router.arbitrum()
            && (crate::arbos::is_precompile(address)
                || *address == crate::stylus::ARBOS_STATE
                || *address == router.arbos.network_fee_account)
    }

    /// Gives Stylus frames to `executor`, except those of programs routed elsewhere.
    pub fn set_stylus_executor(&mut self, executor: std::rc::Rc<dyn StylusExecutor>) {
        std::rc::Rc::make_mut(&mut self.evm.precompiles.executors).set_default(executor);
    }

    /// Runs the program whose code hash is `codehash` on `executor` (e.g. its native form).
    pub fn route_program(&mut self, codehash: B256, executor: std::rc::Rc<dyn StylusExecutor>) {
        std::rc::Rc::make_mut(&mut self.evm.precompiles.executors).route(codehash, executor);
    }

    /// The name of the executor that runs the program with code hash `codehash`, if any.
    pub fn executor_for(&self, codehash: B256) -> Option<&'static str> {
        self.evm.precompiles.executors.for_program(codehash).map(|e| e.name())
    }

    /// The Stylus parameters in force.
    pub fn stylus_params(&self) -> &StylusParams {
        &self.evm.precompiles.params
    }

    /// Replaces the Stylus parameters (a later [`World::set_block`] with another ArbOS version
    /// changes their `arbos_version`).
    pub fn set_stylus_params(&mut self, params: StylusParams) {
        self.evm.precompiles.set_params(params);
    }

    /// Activates the program at `address` at no cost, as `setState … activate: true` does: the
    /// record is written straight into the state, stamped with the current block's time, and
    /// the data pricer is left alone.
    pub fn activate_program(&mut self, address: Address) -> Result<ProgramInfo, ActivationError> {
        let account = self.state().account(&address).ok_or(ActivationError::NoCode)?;
        let (code, codehash) = (account.code_bytes().to_vec(), account.code_hash);
        if code.is_empty() {
            return Err(ActivationError::NoCode);
        }
        let params = self.stylus_params().clone();
        let state = self.state();
        let mut fragments =
            |fragment: Address| Ok(state.account(&fragment).map(|a| a.code_bytes().to_vec()).unwrap_or_default());
        let wasm = program_wasm(
            &code,
            params.max_wasm_size as usize,
            params.arbos_version,
            Some(params.max_fragment_count),
            &mut fragments,
        )?;
        let mut program = activate_wasm(&wasm, codehash, &params)?.program;
        program.cached = self.program(codehash).is_some_and(|record| record.info.cached);
        self.set_program(ProgramRecord::new(program.clone(), self.block.timestamp));
        Ok(program)
    }

    /// The activation record of the program with code hash `codehash`, if any (whatever its
    /// version or age).
    pub fn program(&self, codehash: B256) -> Option<ProgramRecord> {
        ReadState(self.state()).program(codehash)
    }

    /// The activation record of the code at `address`, if any.
    pub fn program_at(&self, address: Address) -> Option<ProgramRecord> {
        self.program(self.state().account(&address)?.code_hash)
    }

    /// Writes a program record directly (tests, and setting the `cached` flag).
    pub fn set_program(&mut self, record: ProgramRecord) {
        self.state_mut().set_program(&record);
    }

    /// Names the address that a CREATE by `creator` at `nonce` gets (`setState.newAddresses`).
    pub fn name_new_address(&mut self, creator: Address, nonce: u64, address: Address) {
        self.evm.inspector.names.borrow_mut().insert(creator, nonce, address);
    }

    /// Forgets the address named for a CREATE by `creator` at `nonce`.
    pub fn forget_name(&mut self, creator: Address, nonce: u64) {
        self.evm.inspector.names.borrow_mut().remove(creator, nonce);
    }

    /// The `(nonce, address)` names `newAddresses` registered for `creator`.
    pub fn names_for(&self, creator: Address) -> Vec<(u64, Address)> {
        self.evm.inspector.names.borrow().for_creator(creator)
    }

    /// The address named for a CREATE by `creator` at `nonce`, if any.
    pub fn named_address(&self, creator: Address, nonce: u64) -> Option<Address> {
        self.evm.inspector.names.borrow().get(creator, nonce)
    }

    /// Whether the program with code hash `codehash` can run now: activated at the current
    /// Stylus version and not expired.
    pub fn program_is_active(&self, codehash: B256) -> bool {
        let now = self.block.timestamp;
        crate::stylus::records_active(self.program(codehash), self.stylus_params(), now)
    }

    /// The data fee that activating Stylus `code` would cost now (the data pricer's current
    /// state, as `activateProgram` would see it), without activating anything.
    pub fn data_fee(&self, code: &[u8]) -> Result<U256, ActivationError> {
        let params = self.stylus_params();
        let state = self.state();
        let mut fragments =
            |fragment: Address| Ok(state.account(&fragment).map(|a| a.code_bytes().to_vec()).unwrap_or_default());
        let (max_size, version) = (params.max_wasm_size as usize, params.arbos_version);
        let wasm = program_wasm(code, max_size, version, Some(params.max_fragment_count), &mut fragments)?;
        let info = activate_wasm(&wasm, revm::primitives::keccak256(code), params)?;
        let mut pricer = ReadState(self.state()).data_pricer();
        Ok(pricer.update(info.program.asm_estimate, self.block.timestamp))
    }

    /// Makes this a plain Ethereum chain (`false`): no Arbitrum precompiles (0x64–0x74, …, and
    /// their placeholder code), no Stylus programs and no EIP-3541 exemption for Stylus code. State tests need this, since there 0x71 is an
    /// ordinary account. Worlds start as Arbitrum chains.
    pub fn set_arbitrum(&mut self, arbitrum: bool) {
        self.evm.ctx.cfg.disable_eip3541 = arbitrum;
        self.evm.precompiles.set_arbitrum(arbitrum);
        if arbitrum {
            self.install_precompile_code();
        } else {
            self.remove_precompile_code();
        }
    }

    /// Mutable access to revm's configuration (state tests choose limits and checks).
    pub fn cfg_mut(&mut self) -> &mut CfgEnv {
        &mut self.evm.ctx.cfg
    }

    /// Overrides the block environment directly (state tests set fields scenarios cannot).
    pub fn set_block_env(&mut self, env: BlockEnv) {
        self.evm.ctx.block = env;
    }

    /// Builds revm's transaction for a request, with the sender's current nonce.
    pub fn tx_env(&self, request: &TxRequest) -> TxEnv {
        let nonce = self.state().account(&request.from).map_or(0, |a| a.nonce);
        // Every field written out: `TxEnv::default()` runs revm's builder (its checks, a
        // derivation of the type, and copies of the whole transaction), which cost about 1 % of
        // a run of ERC-20 transfers. The others are the default's: a legacy transaction (type 0)
        // without access list, tip, blobs or authorizations.
        TxEnv {
            tx_type: 0,
            caller: request.from,
            gas_limit: request.gas_limit.unwrap_or(self.block.gas_limit),
            gas_price: request.gas_price,
            kind: request.to.map_or(TxKind::Create, TxKind::Call),
            value: request.value,
            data: request.data.clone(),
            nonce,
            chain_id: Some(self.block.chain_id),
            access_list: Default::default(),
            gas_priority_fee: None,
            blob_hashes: Vec::new(),
            max_fee_per_blob_gas: 0,
            authorization_list: Vec::new(),
        }
    }

    /// Runs a scenario transaction.
    pub fn execute(&mut self, request: &TxRequest, commit: Commit) -> Result<TxOutcome, TxRejected> {
        let tx = self.tx_env(request);
        self.execute_env(tx, commit)
    }

    /// Runs a fully specified revm transaction.
    pub fn execute_env(&mut self, tx: TxEnv, commit: Commit) -> Result<TxOutcome, TxRejected> {
        {
            // A fresh log; the open-frames list keeps its room (every transaction opens a frame).
            let mut log = self.evm.precompiles.log.borrow_mut();
            let open_frames = std::mem::take(&mut log.open_frames).emptied();
            *log = RouteLog { open_frames, ..Default::default() };
        }
        if self.trace.calls {
            self.evm.precompiles.log.borrow_mut().trace = Some(TraceBuilder::new(self.trace));
        }
        // An eth_call runs on a copy of the block's state, recent-program cache included.
        let recent = (commit == Commit::No).then(|| self.evm.precompiles.recent.borrow().clone());
        let inspect = self.trace.calls || self.needs_naming(&tx);
        let run = if inspect { self.evm.inspect_tx(tx) } else { self.evm.transact(tx) };
        if let Some(recent) = recent {
            *self.evm.precompiles.recent.borrow_mut() = recent;
        }
        let run = run.map_err(|e| TxRejected(describe_error(e)))?;
        let clear_empty = self.state().clear_empty;
        let diff =
            if self.diffs { StateDiff::between(self.state(), &run.state, clear_empty) } else { StateDiff::default() };
        if commit == Commit::Yes {
            self.state_mut().commit(run.state);
        }
        let mut outcome = TxOutcome::from_result(run.result, diff);
        let mut log = std::mem::take(&mut *self.evm.precompiles.log.borrow_mut());
        // The list goes back for the next transaction, which empties it.
        self.evm.precompiles.log.borrow_mut().open_frames = std::mem::take(&mut log.open_frames);
        if let Some((status, detail)) = log.top_status {
            outcome.status = status;
            outcome.halt_reason = Some(detail);
        }
        if let Some(unimplemented) = log.unimplemented
            && outcome.halt_reason.as_deref() != Some(unimplemented.as_str())
        {
            // A nested call to an unimplemented precompile: say so whatever the caller did next.
            let reason = match outcome.halt_reason.take() {
                Some(reason) => format!("{reason}; {unimplemented}"),
                None => unimplemented,
            };
            outcome.halt_reason = Some(reason);
        }
        // A frame that was not metered leaves the transaction without an ink figure.
        if log.stylus_ran && !log.unmetered {
            outcome.ink_used = Some(log.ink_used);
        }
        outcome.stylus_frames = log.frames;
        outcome.trace = log.trace.map(TraceBuilder::finish);
        outcome.unmetered = log.unmetered;
        Ok(outcome)
    }
}

impl World {
    /// Whether a transaction may CREATE at a named address, so it must run with the naming
    /// inspector (revm's inspect path is slower). A call can only reach a named CREATE through a
    /// creator that is a contract; a deploy can be one itself.
    fn needs_naming(&self, tx: &TxEnv) -> bool {
        let namer = self.evm.inspector.names.borrow();
        if namer.is_empty() {
            return false;
        }
        tx.kind.is_create()
            || namer.creators().any(|c| self.state().account(c).is_some_and(|a| !a.code_bytes().is_empty()))
    }
}

/// Read-only access to the ArbOS storage of a world state.
struct ReadState<'a>(&'a WorldState);

impl ArbosStorage for ReadState<'_> {
    fn get(&mut self, slot: U256) -> U256 {
        self.0.get_ref(slot)
    }

    fn set(&mut self, _slot: U256, _value: U256) {}
}

fn describe_error(error: EVMError<std::convert::Infallible, InvalidTransaction>) -> String {
    match error {
        EVMError::Transaction(invalid) => invalid.to_string(),
        EVMError::Header(header) => format!("invalid block header: {header}"),
        EVMError::Custom(message) => message,
        other => other.to_string(),
    }
}
