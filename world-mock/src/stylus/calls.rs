//! Nested calls and creates made by a Stylus frame (stylus-semantics §2.5, nitro
//! `arbos/programs/api.go`): each one is a nested revm frame loop over the same context and
//! journal, so every sub-frame gets its own checkpoint and revm's own depth limit applies
//! (revm-integration §2.3).

use std::convert::Infallible;

use revm::context::{ContextTr, Evm, JournalTr, LocalContextTr};
use revm::context_interface::result::{EVMError, InvalidTransaction};
use revm::handler::instructions::EthInstructions;
use revm::handler::{EthFrame, FrameResult, Handler, MainnetHandler};
use revm::inspector::InspectorHandler;
use revm::interpreter::interpreter_action::FrameInit;
use revm::interpreter::{
    CallInput, CallInputs, CallScheme, CallValue, CreateInputs, CreateScheme, FrameInput, InstructionResult,
    InterpreterResult, SharedMemory,
};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, B256, Bytes, U256};

use super::{CallKind, FrameHooks, HookError, SubCallResult};
use crate::world::WorldCtx;

/// `WarmStorageReadCostEIP2929`: the base of every call.
const CALL_WARM: u64 = 100;
/// Extra for a cold callee (EIP-2929).
const CALL_COLD_EXTRA: u64 = 2_500;
/// `CallNewAccountGas`: value sent to an empty account.
const CALL_NEW_ACCOUNT: u64 = 25_000;
/// `CallValueTransferGas`.
const CALL_VALUE: u64 = 9_000;
/// `CallStipend`, added to the gas of a call that sends value.
const CALL_STIPEND: u64 = 2_300;
/// `CreateGas`.
const CREATE_BASE: u64 = 32_000;
/// `Keccak256WordGas`: CREATE2 hashes its init code.
const CREATE2_WORD: u64 = 6;

/// Status byte nitro reports for a failed call or create (revert and error alike).
const FAILED: u8 = 2;

impl FrameHooks<'_> {
    /// CALL / DELEGATECALL / STATICCALL (nitro `doCall`).
    pub(super) fn nested_call(
        &mut self,
        kind: CallKind,
        to: Address,
        data: Bytes,
        value: U256,
        gas_left: u64,
        gas_req: u64,
    ) -> Result<SubCallResult, HookError> {
        self.return_data = Bytes::new();
        // Only CALL moves value; nitro sends zero for the other kinds.
        let value = if kind == CallKind::Call { value } else { U256::ZERO };
        let failed = |gas_cost| Ok(SubCallResult { status: FAILED, gas_cost, created: None });
        if self.call.is_static && !value.is_zero() {
            // nitro returns ErrWriteProtection from doCall: a failed call that costs nothing.
            return failed(0);
        }

        // WasmCallCost: the callee is warmed even when the frame cannot pay for it.
        let contract = self.call.contract;
        let journal = self.ctx.journal_mut();
        journal.load_account(contract).map_err(db_error)?;
        let callee = journal.load_account_with_code(to).map_err(db_error)?;
        let mut base = CALL_WARM;
        if callee.is_cold {
            base += CALL_COLD_EXTRA;
        }
        if !value.is_zero() {
            if callee.data.is_empty() {
                base += CALL_NEW_ACCOUNT;
            }
            base += CALL_VALUE;
        }
        let mut code = (callee.data.info.code_hash, callee.data.info.code.clone().unwrap_or_default());
        if base > gas_left {
            return failed(gas_left);
        }
        if self.ctx.cfg.spec.is_enabled_in(SpecId::PRAGUE)
            && let Some(delegate) = code.1.eip7702_address()
        {
            // Like geth's resolveCode: run the delegate's code, with no extra charge (WasmCallCost has none).
            let target = self.ctx.journal_mut().load_account_with_code(delegate).map_err(db_error)?;
            code = (target.data.info.code_hash, target.data.info.code.clone().unwrap_or_default());
        }

        let start_gas = mul_div(gas_left - base, 63, 64);
        let mut gas = start_gas.min(gas_req);
        if !value.is_zero() {
            gas = gas.saturating_add(CALL_STIPEND);
        }
        let (caller, target, call_value, scheme) = match kind {
            CallKind::Call => (contract, to, CallValue::Transfer(value), CallScheme::Call),
            CallKind::Delegate => {
                (self.call.caller, contract, CallValue::Apparent(self.call.value), CallScheme::DelegateCall)
            }
            CallKind::Static => (contract, to, CallValue::Transfer(U256::ZERO), CallScheme::StaticCall),
        };
        let inputs = CallInputs {
            input: CallInput::Bytes(data),
            return_memory_offset: 0..0,
            gas_limit: gas,
            reservoir: 0,
            bytecode_address: to,
            known_bytecode: code,
            target_address: target,
            caller,
            value: call_value,
            scheme,
            is_static: self.call.is_static || kind == CallKind::Static,
            charged_new_account_state_gas: false,
        };
        let result = match self.run_nested(FrameInput::Call(Box::new(inputs)))? {
            FrameResult::Call(outcome) => outcome.result,
            FrameResult::Create(_) => {
                return Err(self.harness_error("a nested call returned a create result"));
            }
        };
        let returned = self.settle(&result);
        let status = if result.result.is_ok() { 0 } else { FAILED };
        Ok(SubCallResult { status, gas_cost: base.saturating_add(gas.saturating_sub(returned)), created: None })
    }

    /// CREATE (`salt = None`) / CREATE2 (nitro `create`).
    pub(super) fn nested_create(
        &mut self,
        code: Bytes,
        endowment: U256,
        salt: Option<B256>,
        gas_left: u64,
    ) -> Result<SubCallResult, HookError> {
        self.return_data = Bytes::new();
        // Both are errors of the request, which end the calling program with Failure.
        self.forbid_static("create")?;
        let mut base = CREATE_BASE;
        if salt.is_some() {
            base = base.saturating_add(CREATE2_WORD.saturating_mul(code.len().div_ceil(32) as u64));
        }
        if gas_left < base {
            return Err(HookError::failure(format!("create needs {base} gas, {gas_left} left")));
        }
        let mut gas = gas_left - base;
        let one_64th = gas / 64;
        gas -= one_64th;
        let scheme = salt.map_or(CreateScheme::Create, |salt| CreateScheme::Create2 { salt: salt.into() });
        let inputs = CreateInputs::new(self.call.contract, scheme, endowment, code, gas, 0);
        let (result, address) = match self.run_nested(FrameInput::Create(Box::new(inputs)))? {
            FrameResult::Create(outcome) => (outcome.result, outcome.address),
            FrameResult::Call(_) => {
                return Err(self.harness_error("a nested create returned a call result"));
            }
        };
        let returned = self.settle(&result);
        if result.result != InstructionResult::Revert {
            // Return data only when the init code reverted (opCreate).
            self.return_data = Bytes::new();
        }
        // revm reports a nonce overflow as an ok result without an address.
        let address = address.filter(|_| result.result.is_ok());
        Ok(SubCallResult {
            status: if address.is_some() { 0 } else { FAILED },
            gas_cost: gas_left.saturating_sub(returned.saturating_add(one_64th)),
            created: Some(address.unwrap_or_default()),
        })
    }

    /// Takes what a finished sub-frame hands back: its return data (success or revert only,
    /// as geth's `SetReturnData(ret)`), its refunds (success only) and its unused gas, which
    /// a halt consumes.
    fn settle(&mut self, result: &InterpreterResult) -> u64 {
        let outcome = result.result;
        if outcome.is_ok() || outcome == InstructionResult::Revert {
            self.return_data = result.output.clone();
        }
        if outcome.is_ok() {
            self.refund += result.gas.refunded();
        }
        if outcome.is_ok_or_revert() { result.gas.remaining() } else { 0 }
    }

    /// Runs `frame_input` as a nested revm frame loop over this frame's context and journal.
    fn run_nested(&mut self, frame_input: FrameInput) -> Result<FrameResult, HookError> {
        let ctx = &mut *self.ctx;
        // The journal depth is this frame's depth + 1, which is what revm gives a child frame.
        let depth = ctx.journal().depth();
        // Parent EVM frames address their memory by absolute offsets into the shared buffer:
        // nested frames must use that buffer past its live data, and give the space back after.
        let buffer = ctx.local().shared_memory_buffer().clone();
        let saved_len = buffer.borrow().len();
        let memory = SharedMemory::new_with_buffer(buffer.clone()).new_child_context();
        let spec = ctx.cfg.spec;
        let init = FrameInit { depth, memory, frame_input };
        let result = if self.router.inspector.active() {
            // Inspected like the transaction's own frames (names, traces). revm inspects only an
            // EVM that owns its context, so the context moves into the nested EVM and back.
            let owned = std::mem::replace(ctx, WorldCtx::new(crate::state::WorldState::new(), spec));
            let mut nested = Evm {
                ctx: owned,
                inspector: self.router.inspector.clone(),
                instruction: EthInstructions::new_mainnet_with_spec(spec),
                precompiles: self.router.clone(),
                frame_stack: self.router.take_frame_stack(),
            };
            let result = MainnetHandler::<_, EVMError<Infallible, InvalidTransaction>, EthFrame>::default()
                .inspect_run_exec_loop(&mut nested, init);
            *ctx = nested.ctx;
            self.router.return_frame_stack(nested.frame_stack);
            result
        } else {
            let mut nested = Evm {
                ctx,
                inspector: (),
                instruction: EthInstructions::new_mainnet_with_spec(spec),
                precompiles: self.router.clone(),
                frame_stack: self.router.take_frame_stack(),
            };
            let result = MainnetHandler::<_, EVMError<Infallible, InvalidTransaction>, EthFrame>::default()
                .run_exec_loop(&mut nested, init);
            self.router.return_frame_stack(nested.frame_stack);
            result
        };
        buffer.borrow_mut().truncate(saved_len);
        result.map_err(|error| self.harness_error(&format!("nested EVM run failed: {error}")))
    }

    /// Records an error of the harness itself; `run_frame` aborts the transaction with it.
    fn harness_error(&mut self, message: &str) -> HookError {
        self.fatal.get_or_insert_with(|| message.to_string());
        HookError::failure(message)
    }
}

fn db_error(error: Infallible) -> HookError {
    match error {}
}

/// `x · num / den` without overflow (nitro computes it in u64, which cannot overflow for
/// any gas amount a block allows).
fn mul_div(x: u64, num: u64, den: u64) -> u64 {
    (u128::from(x) * u128::from(num) / u128::from(den)) as u64
}
