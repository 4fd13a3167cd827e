//! The world: state, block and one revm instance that runs every transaction over them.

use revm::context::{BlockEnv, CfgEnv, Context, Evm, FrameStack, Journal, TxEnv};
use revm::context_interface::result::{EVMError, InvalidTransaction};
use revm::handler::instructions::EthInstructions;
use revm::handler::EthFrame;
use revm::interpreter::interpreter::EthInterpreter;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, Bytes, TxKind, U256};
use revm::{DatabaseCommit, ExecuteEvm, InspectEvm};

use crate::block::BlockSettings;
use crate::diff::StateDiff;
use crate::naming::AddressNamer;
use crate::outcome::TxOutcome;
use crate::router::Router;
use crate::state::WorldState;
use crate::stylus::StylusExecutor;

/// The EVM spec scenarios run under: Cancun, the EVM of ArbOS 32–50 (Stylus v2 chains).
pub const DEFAULT_SPEC: SpecId = SpecId::CANCUN;

/// revm's context over the world state.
pub type WorldCtx = Context<BlockEnv, TxEnv, CfgEnv, WorldState, Journal<WorldState>, ()>;
/// revm over the world: address naming inspector, mainnet instructions, routing precompiles.
pub type WorldEvm = Evm<WorldCtx, AddressNamer, EthInstructions<EthInterpreter, WorldCtx>, Router, EthFrame<EthInterpreter>>;

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
        let evm = Evm {
            ctx,
            inspector: AddressNamer::default(),
            instruction: EthInstructions::new_mainnet_with_spec(spec),
            precompiles: Router::new(spec),
            frame_stack: FrameStack::new_prealloc(8),
        };
        Self { evm, block }
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

    /// Replaces the current block.
    pub fn set_block(&mut self, block: BlockSettings) {
        self.evm.ctx.cfg.chain_id = block.chain_id;
        self.evm.ctx.block = block.to_env(self.spec());
        self.block = block;
    }

    /// Gives Stylus frames to `executor`.
    pub fn set_stylus_executor(&mut self, executor: std::rc::Rc<dyn StylusExecutor>) {
        self.evm.precompiles.executor = Some(executor);
    }

    /// Names the address that a CREATE by `creator` at `nonce` gets (`setState.newAddresses`).
    pub fn name_new_address(&mut self, creator: Address, nonce: u64, address: Address) {
        self.evm.inspector.insert(creator, nonce, address);
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
        TxEnv {
            caller: request.from,
            gas_limit: request.gas_limit.unwrap_or(self.block.gas_limit),
            gas_price: request.gas_price,
            kind: request.to.map_or(TxKind::Create, TxKind::Call),
            value: request.value,
            data: request.data.clone(),
            nonce,
            chain_id: Some(self.block.chain_id),
            ..TxEnv::default()
        }
    }

    /// Runs a scenario transaction.
    pub fn execute(&mut self, request: &TxRequest, commit: Commit) -> Result<TxOutcome, TxRejected> {
        let tx = self.tx_env(request);
        self.execute_env(tx, commit)
    }

    /// Runs a fully specified revm transaction.
    pub fn execute_env(&mut self, tx: TxEnv, commit: Commit) -> Result<TxOutcome, TxRejected> {
        *self.evm.precompiles.log.borrow_mut() = Default::default();
        let run = if self.evm.inspector.is_empty() { self.evm.transact(tx) } else { self.evm.inspect_tx(tx) };
        let run = run.map_err(|e| TxRejected(describe_error(e)))?;
        let clear_empty = self.state().clear_empty;
        let diff = StateDiff::between(self.state(), &run.state, clear_empty);
        if commit == Commit::Yes {
            self.state_mut().commit(run.state);
        }
        let mut outcome = TxOutcome::from_result(run.result, diff);
        let log = std::mem::take(&mut *self.evm.precompiles.log.borrow_mut());
        if let Some((status, detail)) = log.top_status {
            outcome.status = status;
            outcome.halt_reason = Some(detail);
        }
        if log.stylus_ran {
            outcome.ink_used = Some(log.ink_used);
        }
        Ok(outcome)
    }
}

fn describe_error(error: EVMError<std::convert::Infallible, InvalidTransaction>) -> String {
    match error {
        EVMError::Transaction(invalid) => invalid.to_string(),
        EVMError::Header(header) => format!("invalid block header: {header}"),
        EVMError::Custom(message) => message,
        other => other.to_string(),
    }
}
