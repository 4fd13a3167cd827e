//! Running one Stylus frame for revm and mapping its outcome onto the frame's result.

use revm::context::{ContextTr, JournalTr};
use revm::interpreter::{CallInputs, CallScheme, Gas, InstructionResult, InterpreterResult};
use revm::primitives::Bytes;

use super::{FrameHooks, StylusCall, StylusExecutor, StylusStatus};
use crate::outcome::TxStatus;
use crate::router::Router;
use crate::world::WorldCtx;

/// Ink per EVM gas (`InkPrice`, stylus-semantics §1.8).
pub const INK_PRICE: u32 = 10_000;

/// Runs a Stylus frame for revm and turns its outcome into the frame's interpreter result.
pub(crate) fn run_frame(
    executor: &dyn StylusExecutor,
    router: &Router,
    ctx: &mut WorldCtx,
    inputs: &CallInputs,
) -> Result<InterpreterResult, String> {
    let calldata = inputs.input.bytes(ctx);
    let depth = ctx.journal().depth();
    let call = StylusCall {
        code: inputs.known_bytecode.1.original_bytes(),
        code_address: inputs.bytecode_address,
        contract: inputs.target_address,
        caller: inputs.caller,
        value: inputs.call_value(),
        calldata,
        gas_limit: inputs.gas_limit,
        is_static: inputs.is_static || inputs.scheme == CallScheme::StaticCall,
        depth,
        // Filled from the program record once activation lands (issue: Stylus on Wasmer).
        wasm: Default::default(),
        program: Default::default(),
        ink_limit: inputs.gas_limit.saturating_mul(u64::from(INK_PRICE)),
        params: Default::default(),
    };
    let mut hooks = FrameHooks::new(ctx, router.clone(), call.clone());
    let outcome = executor.execute(&call, &mut hooks);
    if let Some(error) = hooks.fatal.take() {
        // A nested run failed inside revm itself (not by contract behaviour): abort the tx.
        return Err(error);
    }
    let refund = hooks.refund;
    {
        let mut log = router.log.borrow_mut();
        log.stylus_ran = true;
        log.ink_used = log.ink_used.saturating_add(outcome.ink_used.unwrap_or(0));
    }
    let mut gas = Gas::new(inputs.gas_limit);
    let (result, status) = match outcome.status {
        StylusStatus::Success => (InstructionResult::Return, TxStatus::Success),
        StylusStatus::Revert => (InstructionResult::Revert, TxStatus::Revert),
        StylusStatus::Failure => (InstructionResult::Revert, TxStatus::Failure),
        StylusStatus::OutOfInk => (InstructionResult::OutOfGas, TxStatus::OutOfInk),
        StylusStatus::OutOfStack => (InstructionResult::CallTooDeep, TxStatus::OutOfStack),
        StylusStatus::NotActivated => (InstructionResult::OpcodeNotFound, TxStatus::NotActivated),
        StylusStatus::InvalidCode => (InstructionResult::OpcodeNotFound, TxStatus::InvalidCode),
    };
    let keeps_gas = matches!(outcome.status, StylusStatus::Success | StylusStatus::Revert | StylusStatus::Failure);
    if keeps_gas && gas.record_regular_cost(outcome.gas_used) {
        if outcome.status == StylusStatus::Success {
            gas.record_refund(refund);
        }
        let output = if outcome.status == StylusStatus::Failure { Bytes::new() } else { outcome.output };
        router.note_status(depth, status, outcome.detail.unwrap_or_default());
        return Ok(InterpreterResult::new(result, output, gas));
    }
    gas.spend_all();
    let status = if keeps_gas { TxStatus::OutOfInk } else { status };
    router.note_status(depth, status, outcome.detail.unwrap_or_default());
    let result = if keeps_gas { InstructionResult::OutOfGas } else { result };
    Ok(InterpreterResult::new(result, Bytes::new(), gas))
}
