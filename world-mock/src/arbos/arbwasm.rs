//! ArbWasm (`0x71`, nitro `precompiles/ArbWasm.go`, `arbos/programs/programs.go`): program
//! activation and keepalive, and the getters of the Stylus parameters and of program records.
//! It runs as an ordinary call frame: revm has opened the frame's checkpoint and moved the
//! value, so everything written here (records, the data pricer, fees, events) is rolled back
//! if the frame does not succeed.
//!
//! Gas is nitro's: besides the dispatcher's charges (see the module above), `Params()` costs
//! 100, each program record or module-hash read 800, each write 20,000, the data pricer's update
//! 5 reads and 2 writes (44,000), a code hash 2,600; `activateProgram` burns `ActivationGas`
//! (ArbOS 60+), the fixed 1,659,168 and the metered activation gas.

use revm::context::{ContextTr, JournalTr};
use revm::context_interface::Block;
use revm::primitives::{Address, B256, U256, keccak256};

use super::abi::{Out, error_data};
use super::burner::{CODE_HASH, PARAMS, STORAGE_READ, STORAGE_WRITE};
use super::{ARBWASM, Call, Failure, Method, MethodResult, Precompile, Purity, m, since};
use crate::stylus::activation::{ACTIVATION_FIXED_GAS, activate_with_page_limit};
use crate::stylus::records::{ArbosStorage, InactiveProgram, JournalStorage, ProgramRecord, active};
use crate::stylus::{PAGE_RAMP, ProgramError, ProgramInfo, StylusParams, cached_gas, init_gas};

/// `ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version)`.
pub const PROGRAM_ACTIVATED: &str = "ProgramActivated(bytes32,bytes32,address,uint256,uint16)";
/// `ProgramLifetimeExtended(bytes32 indexed codehash, uint256 dataFee)`.
pub const PROGRAM_LIFETIME_EXTENDED: &str = "ProgramLifetimeExtended(bytes32,uint256)";

const METHODS: [Method; 21] = [
    m("activateProgram(address)", Purity::Payable),
    m("stylusVersion()", Purity::View),
    m("codehashVersion(bytes32)", Purity::View),
    m("codehashKeepalive(bytes32)", Purity::Payable),
    m("codehashAsmSize(bytes32)", Purity::View),
    m("programVersion(address)", Purity::View),
    m("programInitGas(address)", Purity::View),
    m("programMemoryFootprint(address)", Purity::View),
    m("programTimeLeft(address)", Purity::View),
    m("inkPrice()", Purity::View),
    m("maxStackDepth()", Purity::View),
    m("freePages()", Purity::View),
    m("pageGas()", Purity::View),
    m("pageRamp()", Purity::View),
    m("pageLimit()", Purity::View),
    m("minInitGas()", Purity::View),
    m("initCostScalar()", Purity::View),
    m("expiryDays()", Purity::View),
    m("keepaliveDays()", Purity::View),
    m("blockCacheSize()", Purity::View),
    since("activationGas()", Purity::View, 60),
];

/// ArbWasm exists from ArbOS 30 (Stylus).
pub(crate) static PRECOMPILE: Precompile =
    Precompile { address: ARBWASM, name: "ArbWasm", since: 30, methods: &METHODS, run };

/// Revert data for a program that cannot be used (`ProgramNotActivated()` and friends).
pub fn inactive_error_data(error: &InactiveProgram) -> Vec<u8> {
    match error {
        InactiveProgram::NotActivated => error_data("ProgramNotActivated()", &[]),
        InactiveProgram::NeedsUpgrade { have, want } => {
            error_data("ProgramNeedsUpgrade(uint16,uint16)", &[U256::from(*have), U256::from(*want)])
        }
        InactiveProgram::Expired { age } => error_data("ProgramExpired(uint64)", &[U256::from(*age)]),
    }
}

fn sol(error: InactiveProgram) -> Failure {
    Failure::Sol(inactive_error_data(&error), error.to_string())
}

fn run(call: &mut Call<'_>, index: usize) -> MethodResult {
    let params = call.router.params.clone();
    let p = &params;
    let out = |value: u64| Ok(Out::new().uint(U256::from(value)).into_bytes());
    match METHODS[index].signature {
        "activateProgram(address)" => activate(call, call.args.address(0)?, p),
        "codehashKeepalive(bytes32)" => keepalive(call, call.args.word(0)?, p),
        "stylusVersion()" => {
            call.burn(PARAMS)?;
            out(p.version.into())
        }
        "inkPrice()" => {
            call.burn(PARAMS)?;
            out(p.ink_price.into())
        }
        "maxStackDepth()" => {
            call.burn(PARAMS)?;
            out(p.max_stack_depth.into())
        }
        "freePages()" => {
            call.burn(PARAMS)?;
            out(p.free_pages.into())
        }
        "pageGas()" => {
            call.burn(PARAMS)?;
            out(p.page_gas.into())
        }
        "pageRamp()" => {
            call.burn(PARAMS)?;
            out(PAGE_RAMP)
        }
        "pageLimit()" => {
            call.burn(PARAMS)?;
            out(p.page_limit.into())
        }
        "minInitGas()" => {
            call.burn(PARAMS)?;
            if call.arbos_version() < 32 {
                return Err(Failure::Revert("minInitGas reverts before ArbOS 32".into()));
            }
            let init = u64::from(p.min_init_gas) * 128;
            let cached = u64::from(p.min_cached_init_gas) * 32;
            Ok(Out::new().uint(U256::from(init)).uint(U256::from(cached)).into_bytes())
        }
        "initCostScalar()" => {
            call.burn(PARAMS)?;
            out(u64::from(p.init_cost_scalar) * 2)
        }
        "expiryDays()" => {
            call.burn(PARAMS)?;
            out(p.expiry_days.into())
        }
        "keepaliveDays()" => {
            call.burn(PARAMS)?;
            out(p.keepalive_days.into())
        }
        "blockCacheSize()" => {
            call.burn(PARAMS)?;
            out(p.block_cache_size.into())
        }
        "activationGas()" => {
            call.reads(1)?;
            out(p.activation_gas)
        }
        "codehashVersion(bytes32)" => {
            call.burn(PARAMS)?;
            let program = active_program(call, call.args.word(0)?, p)?;
            out(program.info.version.into())
        }
        "codehashAsmSize(bytes32)" => {
            call.burn(PARAMS)?;
            let program = active_program(call, call.args.word(0)?, p)?;
            out(u64::from(asm_size(&program.info)))
        }
        "programVersion(address)" => {
            let codehash = code_hash(call, call.args.address(0)?)?;
            call.burn(PARAMS)?;
            out(active_program(call, codehash, p)?.info.version.into())
        }
        signature => {
            // The getters by address: `getCodeHash` reads the parameters, then the code hash.
            let address = call.args.address(0)?;
            call.burn(PARAMS)?;
            let codehash = code_hash(call, address)?;
            let program = active_program(call, codehash, p)?;
            let info = &program.info;
            match signature {
                "programInitGas(address)" => {
                    let cached = cached_gas(info, p);
                    let mut init = init_gas(info, p);
                    if p.version > 1 {
                        init += cached;
                    }
                    Ok(Out::new().uint(U256::from(init)).uint(U256::from(cached)).into_bytes())
                }
                "programMemoryFootprint(address)" => out(info.footprint.into()),
                "programTimeLeft(address)" => {
                    let now = now(call);
                    out(p.expiry_seconds().saturating_sub(program.age(now)))
                }
                other => unreachable!("ArbWasm method {other} has no body"),
            }
        }
    }
}

/// The size nitro stores and reports: the estimate in KiB, rounded up, times 1,024.
fn asm_size(info: &ProgramInfo) -> u32 {
    info.asm_estimate.div_ceil(1024).saturating_mul(1024)
}

fn now(call: &Call<'_>) -> u64 {
    call.ctx.block.timestamp().saturating_to::<u64>()
}

/// `GetCodeHash` (2,600 gas); the zero hash for an account that does not exist.
fn code_hash(call: &mut Call<'_>, address: Address) -> Result<B256, Failure> {
    call.burn(CODE_HASH)?;
    Ok(call.ctx.journal_mut().code_hash(address).map(|load| load.data).unwrap_or_default())
}

/// The program record (800 gas), whatever its state.
fn program_record(call: &mut Call<'_>, codehash: B256) -> Result<Option<ProgramRecord>, Failure> {
    call.reads(1)?;
    Ok(JournalStorage(call.ctx).program(codehash))
}

/// `getActiveProgram` (800 gas).
fn active_program(call: &mut Call<'_>, codehash: B256, params: &StylusParams) -> Result<ProgramRecord, Failure> {
    let record = program_record(call, codehash)?;
    active(record, params, now(call)).map_err(sol)
}

/// Updates the data pricer for `bytes` at `now` and returns the fee: 5 reads and 2 writes.
fn price_data(call: &mut Call<'_>, bytes: u32) -> Result<U256, Failure> {
    call.burn(5 * STORAGE_READ + 2 * STORAGE_WRITE)?;
    let now = now(call);
    let mut storage = JournalStorage(call.ctx);
    let mut pricer = storage.data_pricer();
    let fee = pricer.update(bytes, now);
    storage.set_data_pricer(pricer);
    Ok(fee)
}

/// `payActivationDataFee`: the fee goes to the network fee account, the rest back to the caller.
fn pay_data_fee(call: &mut Call<'_>, fee: U256) -> Result<(), Failure> {
    let value = call.value;
    if value < fee {
        let data = error_data("ProgramInsufficientValue(uint256,uint256)", &[value, fee]);
        return Err(Failure::Sol(data, format!("sent {value} wei, the data fee is {fee}")));
    }
    call.reads(1)?;
    let network = call.router.arbos.network_fee_account;
    let caller = call.caller;
    let journal = call.ctx.journal_mut();
    for (to, amount) in [(network, fee), (caller, value - fee)] {
        if let Ok(Some(error)) = journal.transfer(ARBWASM, to, amount) {
            return Err(Failure::Revert(format!("paying the data fee: {error:?}")));
        }
    }
    Ok(())
}

/// `activateProgram(address) payable returns (uint16 version, uint256 dataFee)`.
fn activate(call: &mut Call<'_>, program: Address, params: &StylusParams) -> MethodResult {
    if !matches!(call.inputs.scheme, revm::interpreter::CallScheme::Call) {
        // A CALLCODE would move no value to ArbWasm, so there would be nothing to pay from.
        return Err(Failure::Revert("activateProgram must be called, not call-coded".into()));
    }
    if call.arbos_version() >= 60 {
        call.reads(1)?;
        call.burn(params.activation_gas)?;
    }
    call.burn(ACTIVATION_FIXED_GAS)?;
    let now = now(call);
    let codehash = call.ctx.journal_mut().code_hash(program).map(|load| load.data).unwrap_or_default();
    call.burn(PARAMS)?;
    let existing = program_record(call, codehash)?;
    if active(existing.clone(), params, now).is_ok() {
        return Err(Failure::Sol(error_data("ProgramUpToDate()", &[]), "program is already activated".into()));
    }
    let wasm = activation_wasm(call, program, params)?;
    let pages_open = call.router.log.borrow().pages.open;
    let page_limit = params.page_limit.saturating_sub(pages_open);
    let info = match activate_with_page_limit(&wasm, codehash, params, page_limit) {
        Ok(info) => info,
        // Failures of the activation itself take all gas (nitro's `takeAllGas`).
        Err(error) => return Err(Failure::Activation(format!("activation failed: {error}"))),
    };
    if call.burn(info.activation_gas).is_err() {
        let detail = format!("activation failed: out of gas: needs {} metered gas", info.activation_gas);
        return Err(Failure::Activation(detail));
    }
    let cached = existing.as_ref().is_some_and(|record| record.info.cached);
    if cached {
        call.reads(1)?; // the old module hash, to evict the old module
    }
    call.burn(STORAGE_WRITE)?; // the module hash
    let fee = price_data(call, info.program.asm_estimate)?;
    call.burn(STORAGE_WRITE)?; // the program record
    let record = ProgramRecord::new(ProgramInfo { cached, ..info.program.clone() }, now);
    JournalStorage(call.ctx).set_program(&record);

    pay_data_fee(call, fee)?;
    let data = [
        info.program.module_hash.0,
        program.into_word().0,
        fee.to_be_bytes::<32>(),
        U256::from(params.version).to_be_bytes::<32>(),
    ]
    .concat();
    call.emit(ARBWASM, vec![keccak256(PROGRAM_ACTIVATED.as_bytes()), codehash], data)?;
    Ok(Out::new().uint(U256::from(params.version)).uint(fee).into_bytes())
}

/// `codehashKeepalive(bytes32) payable`: after `KeepaliveDays`, re-pays the data fee and
/// restarts the program's expiry clock.
fn keepalive(call: &mut Call<'_>, codehash: B256, params: &StylusParams) -> MethodResult {
    call.burn(PARAMS)?;
    let mut record = active_program(call, codehash, params)?;
    let now = now(call);
    let age = record.age(now);
    if age < params.keepalive_seconds() {
        let data = error_data("ProgramKeepaliveTooSoon(uint64)", &[U256::from(age)]);
        let detail = format!("keepalive {age} s after activation, {} s needed", params.keepalive_seconds());
        return Err(Failure::Sol(data, detail));
    }
    let fee = price_data(call, asm_size(&record.info))?;
    call.burn(STORAGE_WRITE)?;
    record = ProgramRecord::new(record.info, now);
    JournalStorage(call.ctx).set_program(&record);
    pay_data_fee(call, fee)?;
    let topics = vec![keccak256(PROGRAM_LIFETIME_EXTENDED.as_bytes()), codehash];
    call.emit(ARBWASM, topics, fee.to_be_bytes::<32>().to_vec())?;
    Ok(Vec::new())
}

/// `getWasm` with its fragment charger: the program's WASM, paying for each fragment of a
/// root program (ArbOS 60) what nitro's `fragmentReadGasCost` charges: 2,600 for a cold account
/// or 100 for a warm one, plus 3 per word of the fragment's code. Before loading a fragment the
/// call must be able to pay for a largest-possible one (24,576 bytes), else all gas is burnt.
fn activation_wasm(call: &mut Call<'_>, program: Address, params: &StylusParams) -> Result<Vec<u8>, Failure> {
    let code = call.ctx.journal_mut().code(program).map(|load| load.data).unwrap_or_default();
    let mut out_of_gas = false;
    let version = call.arbos_version();
    let result = {
        let gas = &mut call.gas;
        let journal = call.ctx.journal_mut();
        let mut source = |address: Address| {
            let load = journal.load_account_with_code(address).map_err(|e| match e {})?;
            let access = if load.is_cold { 2_600 } else { 100 };
            let fragment = load.data.info.code.as_ref().map(|c| c.original_bytes().to_vec()).unwrap_or_default();
            let words = |len: usize| 3 * (len as u64).div_ceil(32);
            if gas.left() < access + words(crate::stylus::MAX_CODE_SIZE)
                || gas.burn(access + words(fragment.len())).is_err()
            {
                gas.burn_out();
                out_of_gas = true;
                return Err(ProgramError::InvalidRoot("out of gas reading a fragment".into()));
            }
            Ok(fragment)
        };
        crate::stylus::program_wasm(
            &code,
            params.max_wasm_size as usize,
            version,
            Some(params.max_fragment_count),
            &mut source,
        )
    };
    match result {
        Ok(wasm) => Ok(wasm),
        Err(_) if out_of_gas => Err(Failure::OutOfGas("out of gas reading the program's fragments".into())),
        Err(error) => Err(wasm_failure(error, version)),
    }
}

/// Why `getWasm` failed, as nitro reports it.
pub(crate) fn wasm_failure(error: ProgramError, arbos_version: u64) -> Failure {
    match error {
        ProgramError::NoCode => Failure::Sol(error_data("ProgramNotWasm()", &[]), "the account has no code".into()),
        ProgramError::NotStylus if arbos_version >= 60 => {
            Failure::Sol(error_data("ProgramNotWasm()", &[]), "the account holds no Stylus program".into())
        }
        // Before ArbOS 60 nitro returns a plain error here ("specified bytecode is not a Stylus
        // program"), which reverts without data.
        ProgramError::NotStylus => Failure::Revert("specified bytecode is not a Stylus program".into()),
        other => Failure::Revert(format!("activateProgram: {other}")),
    }
}
