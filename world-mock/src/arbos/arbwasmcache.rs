//! ArbWasmCache (`0x72`, nitro `precompiles/ArbWasmCache.go`, `programs.go::SetProgramCached`):
//! cache managers and chain owners mark programs cached, so that calls pay only the cached init
//! gas. The flag lives in the program record (journaled with the frame).

use revm::context::{ContextTr, JournalTr};
use revm::context_interface::Block;
use revm::primitives::{B256, U256, keccak256};

use super::abi::{Out, error_data};
use super::burner::{CODE_HASH, PARAMS, STORAGE_WRITE};
use super::{ARBWASM_CACHE, Call, Failure, Method, MethodResult, Precompile, Purity, m};
use crate::stylus::records::{ArbosStorage, JournalStorage, ProgramRecord};

/// `UpdateProgramCache(address indexed manager, bytes32 indexed codehash, bool cached)`.
pub const UPDATE_PROGRAM_CACHE: &str = "UpdateProgramCache(address,bytes32,bool)";

const METHODS: [Method; 6] = [
    m("isCacheManager(address)", Purity::View),
    m("allCacheManagers()", Purity::View),
    // Deprecated: only on ArbOS 30 (nitro `maxArbosVersion`); replaced by cacheProgram.
    Method { signature: "cacheCodehash(bytes32)", purity: Purity::Write, since: 0, until: Some(30) },
    Method { signature: "cacheProgram(address)", purity: Purity::Write, since: 31, until: None },
    m("evictCodehash(bytes32)", Purity::Write),
    m("codehashIsCached(bytes32)", Purity::View),
];

/// ArbWasmCache exists from ArbOS 30 (Stylus).
pub(crate) static PRECOMPILE: Precompile =
    Precompile { address: ARBWASM_CACHE, name: "ArbWasmCache", since: 30, methods: &METHODS, run };

fn run(call: &mut Call<'_>, index: usize) -> MethodResult {
    let managers = call.router.arbos.cache_managers.clone();
    match METHODS[index].signature {
        "isCacheManager(address)" => {
            let address = call.args.address(0)?;
            call.reads(1)?;
            Ok(Out::new().bool(managers.contains(&address)).into_bytes())
        }
        "allCacheManagers()" => {
            call.reads(1 + managers.len() as u64)?;
            Ok(Out::address_array(&managers).into_bytes())
        }
        "cacheCodehash(bytes32)" => set_cached(call, call.args.word(0)?, true),
        "cacheProgram(address)" => {
            let address = call.args.address(0)?;
            call.burn(CODE_HASH)?;
            let codehash = call.ctx.journal_mut().code_hash(address).map(|load| load.data).unwrap_or_default();
            set_cached(call, codehash, true)
        }
        "evictCodehash(bytes32)" => set_cached(call, call.args.word(0)?, false),
        "codehashIsCached(bytes32)" => {
            let codehash = call.args.word(0)?;
            call.reads(1)?;
            let cached = JournalStorage(call.ctx).program(codehash).is_some_and(|r| r.info.cached);
            Ok(Out::new().bool(cached).into_bytes())
        }
        other => unreachable!("ArbWasmCache method {other} has no body"),
    }
}

/// `setProgramCached`: the caller must be a cache manager or a chain owner (else all gas is
/// burnt); caching needs an up-to-date, unexpired program; a change emits `UpdateProgramCache`
/// and burns the program's init cost.
fn set_cached(call: &mut Call<'_>, codehash: B256, cache: bool) -> MethodResult {
    let caller = call.caller;
    let arbos = &call.router.arbos;
    let (manager, owner) = (arbos.cache_managers.contains(&caller), arbos.chain_owners.contains(&caller));
    call.reads(1)?;
    if !manager {
        call.reads(1)?;
        if !owner {
            call.gas.burn_out();
            return Err(Failure::OutOfGas(format!("{caller} is neither a cache manager nor a chain owner")));
        }
    }
    let params = call.router.params.clone();
    call.burn(PARAMS)?;
    call.reads(1)?;
    let now = call.ctx.block.timestamp().saturating_to::<u64>();
    let record = JournalStorage(call.ctx).program(codehash);
    // A program never activated reads as version 0, activated at hour 0 (long expired).
    let (version, age) = match &record {
        Some(record) => (record.info.version, record.age(now)),
        None => (0, ProgramRecord::new(Default::default(), 0).age(now)),
    };
    if version != params.version && cache {
        let data = error_data("ProgramNeedsUpgrade(uint16,uint16)", &[U256::from(version), U256::from(params.version)]);
        return Err(Failure::Sol(data, format!("program at version {version}, the chain is at {}", params.version)));
    }
    if age > params.expiry_seconds() && cache {
        let data = error_data("ProgramExpired(uint64)", &[U256::from(age)]);
        return Err(Failure::Sol(data, format!("program expired {age} s after activation")));
    }
    let Some(mut record) = record.filter(|r| r.info.cached != cache) else {
        return Ok(Vec::new());
    };
    let topics = vec![keccak256(UPDATE_PROGRAM_CACHE.as_bytes()), caller.into_word(), codehash];
    call.emit(ARBWASM_CACHE, topics, Out::new().bool(cache).into_bytes())?;
    // Pay to (re)compile the program into the cache; then the module hash is read.
    call.burn(u64::from(record.info.init_cost))?;
    call.reads(1)?;
    call.burn(STORAGE_WRITE)?;
    record.info.cached = cache;
    JournalStorage(call.ctx).set_program(&record);
    Ok(Vec::new())
}
