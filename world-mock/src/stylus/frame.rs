//! Running one Stylus frame for revm: decoding the code, finding its activation record,
//! charging the call's entry cost, running the executor and mapping its outcome onto the
//! frame's result.

use revm::context::{ContextTr, JournalTr};
use revm::context_interface::Block;
use revm::interpreter::{CallInputs, CallScheme, Gas, InstructionResult, InterpreterResult};
use revm::primitives::{B256, Bytes, keccak256};

use super::entry::{entry_gas, return_data_gas};
use super::records::{ArbosStorage, JournalStorage, active};
use super::{FrameHooks, FrameRecord, HostioRecord, ProgramInfo, StylusCall, StylusStatus};
use crate::outcome::TxStatus;
use crate::router::Router;
use crate::trace::FrameKind;
use crate::world::WorldCtx;

/// Ink per EVM gas (`InkPrice`, stylus-semantics §1.8).
pub const INK_PRICE: u32 = 10_000;

/// A frame that ends before its program runs, using all its gas.
fn burn_all(router: &Router, frame: FrameStart, gas_limit: u64, status: TxStatus, detail: String) -> InterpreterResult {
    let result = match status {
        TxStatus::OutOfGas => InstructionResult::OutOfGas,
        _ => InstructionResult::OpcodeNotFound,
    };
    let stylus_status = match status {
        TxStatus::NotActivated => StylusStatus::NotActivated,
        TxStatus::OutOfGas => StylusStatus::OutOfInk,
        _ => StylusStatus::InvalidCode,
    };
    frame.finish(router, stylus_status, gas_limit, None, None, Some(detail.clone()), Vec::new(), None);
    if let Some(traced) = router.log.borrow_mut().trace.as_mut().and_then(|t| t.current()) {
        traced.status = status.as_str().to_string();
    }
    router.note_status(frame.depth, status, detail);
    let mut gas = Gas::new(gas_limit);
    gas.spend_all();
    InterpreterResult::new(result, Bytes::new(), gas)
}

/// A frame's place in the transaction's frame list, filled in when it ends.
#[derive(Clone, Copy)]
struct FrameStart {
    index: usize,
    depth: usize,
}

impl FrameStart {
    fn open(router: &Router, inputs: &CallInputs, depth: usize, executor: &'static str) -> Self {
        let mut log = router.log.borrow_mut();
        log.frames.push(FrameRecord {
            depth,
            contract: inputs.target_address,
            code_address: inputs.bytecode_address,
            executor,
            status: StylusStatus::Failure,
            gas_used: 0,
            ink: None,
            self_ink: None,
            detail: None,
        });
        Self { index: log.frames.len() - 1, depth }
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        self,
        router: &Router,
        status: StylusStatus,
        gas_used: u64,
        ink: Option<u64>,
        self_ink: Option<u64>,
        detail: Option<String>,
        hostios: Vec<HostioRecord>,
        ink_limit: Option<u64>,
    ) {
        let mut log = router.log.borrow_mut();
        let Some(record) = log.frames.get_mut(self.index) else { return };
        record.status = status;
        record.gas_used = gas_used;
        record.ink = ink;
        record.self_ink = self_ink;
        record.detail = detail.clone();
        let executor = record.executor;
        // The traced frame is the one running now (its end is recorded after this returns).
        if let Some(frame) = log.trace.as_mut().and_then(|t| t.current()) {
            frame.kind = FrameKind::Stylus { executor };
            frame.status = status_name(status).to_string();
            frame.ink = ink;
            frame.self_ink = self_ink;
            frame.detail = detail;
            frame.hostios = hostios;
            frame.ink_limit = ink_limit;
        }
    }
}

/// Runs a Stylus frame for revm on the executor routed to its program, and turns its outcome
/// into the frame's interpreter result.
pub(crate) fn run_frame(router: &Router, ctx: &mut WorldCtx, inputs: &CallInputs) -> Result<InterpreterResult, String> {
    let depth = ctx.journal().depth();
    let params = router.params.clone();
    let gas_limit = inputs.gas_limit;
    let (known_hash, bytecode) = &inputs.known_bytecode;
    let code = bytecode.original_bytes();
    let codehash = if *known_hash == B256::ZERO { keccak256(&code) } else { *known_hash };
    let executor = router.executors.for_program(codehash).cloned();
    let frame = FrameStart::open(router, inputs, depth, executor.as_ref().map_or("", |e| e.name()));
    let Some(executor) = executor else {
        return Ok(burn_all(
            router,
            frame,
            gas_limit,
            TxStatus::InvalidCode,
            "no Stylus executor is configured".into(),
        ));
    };
    let wasm = match router.wasm(ctx, codehash, &code) {
        Ok(wasm) => wasm,
        Err(error) => {
            return Ok(burn_all(router, frame, gas_limit, TxStatus::InvalidCode, error.to_string()));
        }
    };
    let now = ctx.block.timestamp().saturating_to::<u64>();
    let record = JournalStorage(ctx).program(codehash);
    let program = match active(record, &params, now) {
        Ok(record) => record.info,
        Err(inactive) => {
            return Ok(burn_all(router, frame, gas_limit, TxStatus::NotActivated, inactive.to_string()));
        }
    };

    // Entry cost: the footprint's pages (held open until the frame returns) and init gas. From
    // ArbOS 60 a program already called in this block is in the recent-program cache and pays
    // like a cached one (nitro inserts it before charging).
    let recent_hit = params.arbos_version >= 60 && router.recent.borrow_mut().insert(codehash, params.block_cache_size);
    let priced = ProgramInfo { cached: program.cached || recent_hit, ..program.clone() };
    let pages = router.log.borrow().pages;
    let entry_cost = entry_gas(&priced, &params, pages);
    let Some(program_gas) = gas_limit.checked_sub(entry_cost) else {
        let detail = format!("the Stylus call entry costs {entry_cost} gas, the frame has {gas_limit}");
        return Ok(burn_all(router, frame, gas_limit, TxStatus::OutOfGas, detail));
    };
    router.log.borrow_mut().pages.add(program.footprint);

    let ink_price = u64::from(params.ink_price);
    let call = StylusCall {
        code,
        code_address: inputs.bytecode_address,
        contract: inputs.target_address,
        caller: inputs.caller,
        value: inputs.call_value(),
        calldata: inputs.input.bytes(ctx),
        gas_limit: program_gas,
        is_static: inputs.is_static || inputs.scheme == CallScheme::StaticCall,
        depth,
        wasm,
        program,
        ink_limit: program_gas.saturating_mul(ink_price),
        params: params.clone(),
    };
    let mut hooks = FrameHooks::new(ctx, router.clone(), call.clone());
    if let Some(level) = router.log.borrow().trace.as_ref().map(|t| t.level) {
        hooks.hostios = level.hostios.then(Vec::new);
        hooks.profiling = level.profile;
    }
    let outermost = {
        let mut log = router.log.borrow_mut();
        log.stylus_open += 1;
        log.stylus_open == 1
    };
    let outcome = executor.execute(&call, &mut hooks);
    router.log.borrow_mut().stylus_open -= 1;
    let hostios = hooks.hostios.take().unwrap_or_default();
    if let Some(profile) = hooks.profile.take() {
        // Nested frames have ended: the traced frame running now is this one.
        if let Some(frame) = router.log.borrow_mut().trace.as_mut().and_then(|t| t.current()) {
            frame.profile = Some(profile);
        }
    }
    // The footprint is released on return; the high-water mark stays.
    router.log.borrow_mut().pages.open = pages.open;
    if let Some(error) = hooks.fatal.take() {
        // A nested run failed inside revm itself (not by contract behaviour): abort the tx.
        return Err(error);
    }
    let refund = hooks.refund;
    // The frame's ink is nitro's `ink_limit − ink_left`: it includes the ink paid for the gas of
    // nested calls and creates. Its own work is that less what it paid for them.
    let self_ink = outcome.ink_used.map(|ink| ink.saturating_sub(hooks.call_gas.saturating_mul(ink_price)));
    {
        let mut log = router.log.borrow_mut();
        log.stylus_ran = true;
        match outcome.ink_used {
            // Nested Stylus frames are inside an outer frame's inclusive ink already.
            Some(ink) if outermost => log.ink_used = log.ink_used.saturating_add(ink),
            Some(_) => {}
            None => log.unmetered = true,
        }
    }

    let mut gas = Gas::new(gas_limit);
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
    let output = if outcome.status == StylusStatus::Failure { Bytes::new() } else { outcome.output };
    let mut used = entry_cost.saturating_add(outcome.gas_used);
    let mut detail = outcome.detail.unwrap_or_default();
    let mut out_of_gas = false;
    if keeps_gas && params.arbos_version >= 31 {
        // ArbOS 31+: returning data costs at least its EVM memory expansion.
        let floor = return_data_gas(output.len());
        if floor > gas_limit {
            out_of_gas = true;
            detail = format!("returning {} bytes needs {floor} gas, the frame had {gas_limit}", output.len());
        }
        used = used.max(floor);
    }
    let detail_of = |detail: &String| (!detail.is_empty()).then(|| detail.clone());
    if keeps_gas && !out_of_gas && gas.record_regular_cost(used) {
        if outcome.status == StylusStatus::Success {
            gas.record_refund(refund);
        }
        frame.finish(
            router,
            outcome.status,
            used,
            outcome.ink_used,
            self_ink,
            detail_of(&detail),
            hostios,
            Some(call.ink_limit),
        );
        router.note_status(depth, status, detail);
        return Ok(InterpreterResult::new(result, output, gas));
    }
    gas.spend_all();
    let (status, frame_status) = match (keeps_gas, out_of_gas) {
        (true, true) => (TxStatus::OutOfGas, StylusStatus::OutOfInk),
        (true, false) => (TxStatus::OutOfInk, StylusStatus::OutOfInk),
        (false, _) => (status, outcome.status),
    };
    frame.finish(
        router,
        frame_status,
        gas_limit,
        outcome.ink_used,
        self_ink,
        detail_of(&detail),
        hostios,
        Some(call.ink_limit),
    );
    router.note_status(depth, status, detail);
    let result = if keeps_gas { InstructionResult::OutOfGas } else { result };
    Ok(InterpreterResult::new(result, Bytes::new(), gas))
}

/// A Stylus status in the scenario format's spelling.
fn status_name(status: StylusStatus) -> &'static str {
    match status {
        StylusStatus::Success => "success",
        StylusStatus::Revert => "revert",
        StylusStatus::Failure => "failure",
        StylusStatus::OutOfInk => "outOfInk",
        StylusStatus::OutOfStack => "outOfStack",
        StylusStatus::NotActivated => "notActivated",
        StylusStatus::InvalidCode => "invalidCode",
    }
}
