//! The ArbWasm precompile at `0x…71` (nitro `precompiles/ArbWasm.go`): program activation and
//! the getters Solidity tests use. It runs as an ordinary call frame: revm has opened the
//! frame's checkpoint and moved the value, so anything written here (records, the data pricer,
//! the event, refunds) is rolled back if the frame does not succeed.
//!
//! Gas: `activateProgram` burns the fixed 1,659,168 gas, the metered activation gas and the
//! event's log gas. Unlike nitro, the ArbOS storage reads and writes themselves cost nothing,
//! and neither do the getters.

use revm::context::{ContextTr, JournalTr};
use revm::context_interface::Block;
use revm::interpreter::{CallInputs, CallScheme, Gas, InstructionResult, InterpreterResult};
use revm::primitives::{Address, B256, Bytes, Log, U256, address, keccak256};

use super::activation::{ACTIVATION_FIXED_GAS, activate_with_page_limit};
use super::records::{ArbosStorage, InactiveProgram, JournalStorage, ProgramRecord, active};
use super::{ProgramError, ProgramInfo, StylusParams, entry};
use crate::outcome::TxStatus;
use crate::router::Router;
use crate::world::WorldCtx;

/// The ArbWasm precompile's address.
pub const ARBWASM: Address = address!("0000000000000000000000000000000000000071");

/// `ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version)`.
pub const PROGRAM_ACTIVATED: &str = "ProgramActivated(bytes32,bytes32,address,uint256,uint16)";

/// The 4-byte selector of a function or error signature.
pub fn selector(signature: &str) -> [u8; 4] {
    let hash = keccak256(signature.as_bytes());
    [hash[0], hash[1], hash[2], hash[3]]
}

fn word(value: U256) -> [u8; 32] {
    value.to_be_bytes()
}

fn abi(words: &[[u8; 32]]) -> Bytes {
    words.concat().into()
}

fn error_data(signature: &str, words: &[[u8; 32]]) -> Bytes {
    [&selector(signature)[..], &words.concat()].concat().into()
}

/// Revert data for a program that cannot be used (`ProgramNotActivated()` and friends).
pub fn inactive_error_data(error: &InactiveProgram) -> Bytes {
    match error {
        InactiveProgram::NotActivated => error_data("ProgramNotActivated()", &[]),
        InactiveProgram::NeedsUpgrade { have, want } => {
            error_data("ProgramNeedsUpgrade(uint16,uint16)", &[word(U256::from(*have)), word(U256::from(*want))])
        }
        InactiveProgram::Expired { age } => error_data("ProgramExpired(uint64)", &[word(U256::from(*age))]),
    }
}

/// How the frame ends.
enum Exit {
    Return(Bytes),
    Revert(Bytes, String),
    /// All gas is consumed (activation failures, out of gas).
    Burn(InstructionResult, TxStatus, String),
}

/// Runs a call to ArbWasm.
pub(crate) fn run_arbwasm(router: &Router, ctx: &mut WorldCtx, inputs: &CallInputs) -> InterpreterResult {
    let depth = ctx.journal().depth();
    let input = inputs.input.bytes(ctx);
    let mut gas = Gas::new(inputs.gas_limit);
    let exit = dispatch(router, ctx, inputs, &input, &mut gas);
    let (result, output) = match exit {
        Exit::Return(output) => (InstructionResult::Return, output),
        Exit::Revert(output, detail) => {
            router.note_status(depth, TxStatus::Revert, detail);
            (InstructionResult::Revert, output)
        }
        Exit::Burn(result, status, detail) => {
            router.note_status(depth, status, detail);
            gas.spend_all();
            (result, Bytes::new())
        }
    };
    InterpreterResult::new(result, output, gas)
}

fn dispatch(router: &Router, ctx: &mut WorldCtx, inputs: &CallInputs, input: &[u8], gas: &mut Gas) -> Exit {
    let params = &router.params;
    let Some((sel, args)) = input.split_first_chunk::<4>() else {
        return Exit::Revert(Bytes::new(), "ArbWasm: calldata shorter than a selector".into());
    };
    let value = inputs.call_value();
    let address_arg = || args.get(..32).map(|w| Address::from_slice(&w[12..]));
    if *sel == selector("activateProgram(address)") {
        let Some(program) = address_arg() else {
            return Exit::Revert(Bytes::new(), "ArbWasm: bad arguments".into());
        };
        return activate(router, ctx, inputs, program, gas);
    }
    if !value.is_zero() {
        return Exit::Revert(Bytes::new(), "ArbWasm: this method is not payable".into());
    }
    if *sel == selector("stylusVersion()") {
        return Exit::Return(abi(&[word(U256::from(params.version))]));
    }
    if *sel == selector("inkPrice()") {
        return Exit::Return(abi(&[word(U256::from(params.ink_price))]));
    }
    let getters = ["programVersion(address)", "programInitGas(address)", "programMemoryFootprint(address)"];
    let Some(getter) = getters.iter().position(|sig| *sel == selector(sig)) else {
        let codehash_version = *sel == selector("codehashVersion(bytes32)");
        if codehash_version && let Some(hash) = args.get(..32) {
            return match lookup(ctx, params, B256::from_slice(hash)) {
                Ok(program) => Exit::Return(abi(&[word(U256::from(program.version))])),
                Err(error) => Exit::Revert(inactive_error_data(&error), error.to_string()),
            };
        }
        return Exit::Revert(
            Bytes::new(),
            format!("ArbWasm: unknown selector 0x{}", revm::primitives::hex::encode(sel)),
        );
    };
    let Some(address) = address_arg() else {
        return Exit::Revert(Bytes::new(), "ArbWasm: bad arguments".into());
    };
    let codehash = code_hash(ctx, address);
    let program = match lookup(ctx, params, codehash) {
        Ok(program) => program,
        Err(error) => return Exit::Revert(inactive_error_data(&error), error.to_string()),
    };
    Exit::Return(match getter {
        0 => abi(&[word(U256::from(program.version))]),
        1 => {
            let cached = entry::cached_gas(&program, params);
            let mut init = entry::init_gas(&program, params);
            if params.version > 1 {
                init += cached;
            }
            abi(&[word(U256::from(init)), word(U256::from(cached))])
        }
        _ => abi(&[word(U256::from(program.footprint))]),
    })
}

fn code_hash(ctx: &mut WorldCtx, address: Address) -> B256 {
    ctx.journal_mut().code_hash(address).map(|load| load.data).unwrap_or_default()
}

fn lookup(ctx: &mut WorldCtx, params: &StylusParams, codehash: B256) -> Result<ProgramInfo, InactiveProgram> {
    let now = ctx.block.timestamp().saturating_to::<u64>();
    let record = JournalStorage(ctx).program(codehash);
    active(record, params, now).map(|record| record.info)
}

/// `activateProgram(address) payable returns (uint16 version, uint256 dataFee)`.
fn activate(router: &Router, ctx: &mut WorldCtx, inputs: &CallInputs, program: Address, gas: &mut Gas) -> Exit {
    let params = &router.params;
    if inputs.is_static {
        return Exit::Burn(
            InstructionResult::StateChangeDuringStaticCall,
            TxStatus::Failure,
            "activateProgram in a static call".into(),
        );
    }
    if !matches!(inputs.scheme, CallScheme::Call) {
        // A delegate call moves no value to ArbWasm, so there would be nothing to pay or refund from.
        return Exit::Revert(Bytes::new(), "activateProgram must be called directly, not delegate-called".into());
    }
    if !gas.record_regular_cost(ACTIVATION_FIXED_GAS) {
        return Exit::Burn(
            InstructionResult::OutOfGas,
            TxStatus::OutOfGas,
            "activateProgram needs 1,659,168 gas up front".into(),
        );
    }
    let now = ctx.block.timestamp().saturating_to::<u64>();
    let codehash = code_hash(ctx, program);
    let existing = JournalStorage(ctx).program(codehash);
    if active(existing.clone(), params, now).is_ok() {
        return Exit::Revert(error_data("ProgramUpToDate()", &[]), "program is already activated".into());
    }
    let code = ctx.journal_mut().code(program).map(|load| load.data).unwrap_or_default();
    let wasm = match router.wasm(codehash, &code) {
        Ok(wasm) => wasm,
        Err(ProgramError::NotStylus) => {
            return Exit::Revert(
                error_data("ProgramNotWasm()", &[]),
                "activateProgram: the account holds no Stylus program".into(),
            );
        }
        Err(error) => return Exit::Revert(Bytes::new(), format!("activateProgram: {error}")),
    };
    let page_limit = params.page_limit.saturating_sub(router.log.borrow().pages.open);
    let info = match activate_with_page_limit(&wasm, codehash, params, page_limit) {
        Ok(info) => info,
        // Failures of the activation itself take all gas (nitro's `takeAllGas`).
        Err(error) => {
            return Exit::Burn(InstructionResult::Revert, TxStatus::Revert, format!("activation failed: {error}"));
        }
    };
    if !gas.record_regular_cost(info.activation_gas) {
        let detail = format!("activation failed: out of gas: needs {} metered gas", info.activation_gas);
        return Exit::Burn(InstructionResult::Revert, TxStatus::Revert, detail);
    }
    let mut storage = JournalStorage(ctx);
    let mut pricer = storage.data_pricer();
    let fee = pricer.update(info.program.asm_estimate, now);
    storage.set_data_pricer(pricer);
    let cached = existing.is_some_and(|record| record.info.cached);
    let record = ProgramRecord::new(ProgramInfo { cached, ..info.program.clone() }, now);
    storage.set_program(&record);

    let value = inputs.call_value();
    if value < fee {
        let data = error_data("ProgramInsufficientValue(uint256,uint256)", &[word(value), word(fee)]);
        return Exit::Revert(data, format!("activateProgram: sent {value} wei, the data fee is {fee}"));
    }
    if value > fee {
        // The fee stays with ArbWasm (diorama has no network fee account); the excess goes back.
        let _ = ctx.journal_mut().transfer(ARBWASM, inputs.caller, value - fee);
    }
    let data = abi(&[info.program.module_hash.0, program.into_word().0, word(fee), word(U256::from(params.version))]);
    // LOG2 gas: 375 + 2·375 + 8 per data byte.
    if !gas.record_regular_cost(375 * 3 + 8 * data.len() as u64) {
        return Exit::Burn(
            InstructionResult::OutOfGas,
            TxStatus::OutOfGas,
            "out of gas emitting ProgramActivated".into(),
        );
    }
    let topics = vec![keccak256(PROGRAM_ACTIVATED.as_bytes()), codehash];
    ctx.journal_mut().log(Log::new_unchecked(ARBWASM, topics, data));
    Exit::Return(abi(&[word(U256::from(params.version)), word(fee)]))
}
