//! ArbOS precompiles (nitro `precompiles/*.go`): the Arbitrum system contracts that Solidity and
//! Stylus contracts call, with nitro's ABIs, gas and errors, and the chain settings they read
//! ([`ArbosConfig`], set by scenarios).
//!
//! Implemented: ArbSys (`0x64`), ArbOwnerPublic (`0x6b`), ArbGasInfo (`0x6c`), ArbWasm (`0x71`)
//! and ArbWasmCache (`0x72`). Every other address nitro gives a precompile (`0x65`–`0x74`,
//! ArbDebug `0xff`, ArbosActs `0xa4b05`) and the RPC-only NodeInterface (`0xc8`, `0xc9`) fails
//! with a message naming it, using all the call's gas: never a silent success.
//!
//! Dispatch follows nitro's `Precompile.Call`: a precompile older than the chain's ArbOS
//! version behaves as an empty account; an unknown or not yet available method, arguments that
//! do not decode, a view method reached by DELEGATECALL, a write in a static call, or value sent
//! to a non-payable method revert using all gas. Then the call burns 800 gas to open the ArbOS
//! state (all but `pure` methods), 3 gas per word of arguments, what the method itself burns
//! (800 per ArbOS storage read, 20,000 / 5,000 per write, 2,600 per code hash, 100 for the Stylus
//! parameters, log gas for events) and 3 gas per word of results. A Solidity error reverts with
//! its data, keeping the gas left; other errors revert without data (ArbOS ≥ 11 keeps the gas
//! left; running out of gas uses it all).

mod abi;
mod arbgasinfo;
mod arbownerpublic;
mod arbsys;
pub(crate) mod arbwasm;
mod arbwasmcache;
pub mod burner;

use revm::context::{ContextTr, JournalTr};
use revm::interpreter::{CallInputs, Gas, InstructionResult, InterpreterResult};
use revm::primitives::{Address, Bytes, U256, address};

pub(crate) use abi::{Args, BadArgs};
pub use arbsys::{L2_TO_L1_TX, SEND_MERKLE_UPDATE};
pub use arbwasmcache::UPDATE_PROGRAM_CACHE;
use burner::{Burner, OutOfGas, STORAGE_READ, copy_cost};

use crate::outcome::TxStatus;
use crate::router::Router;
use crate::world::WorldCtx;

/// ArbSys.
pub const ARBSYS: Address = address!("0000000000000000000000000000000000000064");
/// ArbOwnerPublic.
pub const ARB_OWNER_PUBLIC: Address = address!("000000000000000000000000000000000000006b");
/// ArbGasInfo.
pub const ARB_GAS_INFO: Address = address!("000000000000000000000000000000000000006c");
/// ArbWasm.
pub const ARBWASM: Address = address!("0000000000000000000000000000000000000071");
/// ArbWasmCache.
pub const ARBWASM_CACHE: Address = address!("0000000000000000000000000000000000000072");

/// Addresses nitro gives a precompile (or, for `0xc8`/`0xc9`, its RPC's NodeInterface) that
/// diorama does not implement, with their names.
pub const UNIMPLEMENTED: [(Address, &str); 14] = [
    (address!("0000000000000000000000000000000000000065"), "ArbInfo"),
    (address!("0000000000000000000000000000000000000066"), "ArbAddressTable"),
    (address!("0000000000000000000000000000000000000067"), "ArbBLS"),
    (address!("0000000000000000000000000000000000000068"), "ArbFunctionTable"),
    (address!("0000000000000000000000000000000000000069"), "ArbosTest"),
    (address!("000000000000000000000000000000000000006d"), "ArbAggregator"),
    (address!("000000000000000000000000000000000000006e"), "ArbRetryableTx"),
    (address!("000000000000000000000000000000000000006f"), "ArbStatistics"),
    (address!("0000000000000000000000000000000000000070"), "ArbOwner"),
    (address!("0000000000000000000000000000000000000073"), "ArbNativeTokenManager"),
    (address!("0000000000000000000000000000000000000074"), "ArbFilteredTransactionsManager"),
    (address!("00000000000000000000000000000000000000ff"), "ArbDebug"),
    (address!("00000000000000000000000000000000000a4b05"), "ArbosActs"),
    (address!("00000000000000000000000000000000000000c8"), "NodeInterface"),
];

/// Every ArbOS precompile with the ArbOS version that installs it (nitro
/// `PrecompileMinArbOSVersions`): from that version its account holds the code `0xFE`, because
/// Solidity refuses to call an address without code (nitro `arbosState.InitializeArbosState`).
pub const PRECOMPILE_VERSIONS: [(Address, u64); 18] = [
    (ARBSYS, 0),
    (address!("0000000000000000000000000000000000000065"), 0),
    (address!("0000000000000000000000000000000000000066"), 0),
    (address!("0000000000000000000000000000000000000067"), 0),
    (address!("0000000000000000000000000000000000000068"), 0),
    (address!("0000000000000000000000000000000000000069"), 0),
    (ARB_OWNER_PUBLIC, 0),
    (ARB_GAS_INFO, 0),
    (address!("000000000000000000000000000000000000006d"), 0),
    (address!("000000000000000000000000000000000000006e"), 0),
    (address!("000000000000000000000000000000000000006f"), 0),
    (address!("0000000000000000000000000000000000000070"), 0),
    (ARBWASM, 30),
    (ARBWASM_CACHE, 30),
    (address!("0000000000000000000000000000000000000073"), 41),
    (address!("0000000000000000000000000000000000000074"), 60),
    (address!("00000000000000000000000000000000000000ff"), 0),
    (address!("00000000000000000000000000000000000a4b05"), 0),
];

/// The code nitro gives precompile accounts: `INVALID`.
pub const PRECOMPILE_CODE: [u8; 1] = [0xFE];

/// The implemented precompiles.
const IMPLEMENTED: [Address; 5] = [ARBSYS, ARB_OWNER_PUBLIC, ARB_GAS_INFO, ARBWASM, ARBWASM_CACHE];

/// Every Arbitrum precompile address (implemented or not), warm from a transaction's start as
/// in nitro's access list.
pub fn precompile_addresses() -> impl Iterator<Item = Address> {
    IMPLEMENTED.into_iter().chain(UNIMPLEMENTED.iter().map(|(a, _)| *a)).chain([NODE_INTERFACE_DEBUG])
}

const NODE_INTERFACE_DEBUG: Address = address!("00000000000000000000000000000000000000c9");

/// The name of the Arbitrum precompile at `address`, if it is one.
pub fn precompile_name(address: &Address) -> Option<&'static str> {
    match *address {
        ARBSYS => Some("ArbSys"),
        ARB_OWNER_PUBLIC => Some("ArbOwnerPublic"),
        ARB_GAS_INFO => Some("ArbGasInfo"),
        ARBWASM => Some("ArbWasm"),
        ARBWASM_CACHE => Some("ArbWasmCache"),
        NODE_INTERFACE_DEBUG => Some("NodeInterfaceDebug"),
        other => UNIMPLEMENTED.iter().find(|(a, _)| *a == other).map(|(_, name)| *name),
    }
}

/// Chain settings the precompiles read (nitro keeps them in ArbOS state; no transaction here
/// can change them, since ArbOwner is not implemented). Defaults are nitro's initial values
/// (`arbos/l1pricing`, `arbos/l2pricing`, `arbos/arbosState`) unless noted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArbosConfig {
    /// Chain owners (ArbOwnerPublic `isChainOwner`; they may also cache programs). Default none.
    pub chain_owners: Vec<Address>,
    /// Cache managers (ArbWasmCache). Default none.
    pub cache_managers: Vec<Address>,
    /// Receives activation and keepalive data fees. nitro initialises it to the chain's first
    /// owner; diorama defaults to the zero address (nitro's value before ArbOS 2).
    pub network_fee_account: Address,
    /// ArbOwnerPublic `getInfraFeeAccount`. Default the zero address.
    pub infra_fee_account: Address,
    /// L1 price per calldata unit in wei (`PricePerUnit`, ArbGasInfo `getL1BaseFeeEstimate`):
    /// 50 gwei (`DefaultInitialL1BaseFee`).
    pub l1_base_fee: U256,
    /// L2 minimum base fee in wei (`MinBaseFeeWei`): 0.1 gwei.
    pub minimum_gas_price: U256,
    /// Where L1 pricing rewards go (`PayRewardsTo`). Default the zero address.
    pub l1_reward_recipient: Address,
}

impl Default for ArbosConfig {
    fn default() -> Self {
        Self {
            chain_owners: Vec::new(),
            cache_managers: Vec::new(),
            network_fee_account: Address::ZERO,
            infra_fee_account: Address::ZERO,
            l1_base_fee: U256::from(50_000_000_000u64),
            minimum_gas_price: U256::from(100_000_000u64),
            l1_reward_recipient: Address::ZERO,
        }
    }
}

/// What a method may do (nitro's `purity`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Purity {
    /// Reads nothing; no ArbOS state is opened.
    Pure,
    /// Reads state.
    View,
    /// Writes state.
    Write,
    /// Writes state and accepts value.
    Payable,
}

/// One method of a precompile's ABI.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Method {
    /// Solidity signature, e.g. `programVersion(address)`.
    pub(crate) signature: &'static str,
    pub(crate) purity: Purity,
    /// First ArbOS version with the method.
    pub(crate) since: u64,
    /// Last ArbOS version with the method (`maxArbosVersion`), if any.
    pub(crate) until: Option<u64>,
}

/// A method of any ArbOS version (shorthand for the tables).
pub(crate) const fn m(signature: &'static str, purity: Purity) -> Method {
    Method { signature, purity, since: 0, until: None }
}

/// A method added in ArbOS `since`.
pub(crate) const fn since(signature: &'static str, purity: Purity, since: u64) -> Method {
    Method { signature, purity, since, until: None }
}

/// Why a method did not return normally.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A Solidity error (nitro `SolError`): revert with this data, keeping the gas left.
    Sol(Vec<u8>, String),
    /// Any other error: revert without data, keeping the gas left (nitro, ArbOS ≥ 11).
    Revert(String),
    /// Out of gas: all gas used.
    OutOfGas(String),
    /// Arguments that do not decode: revert using all gas.
    BadArgs,
    /// A program activation failure (nitro `ErrProgramActivation`): all gas burned.
    Activation(String),
}

impl From<OutOfGas> for Failure {
    fn from(_: OutOfGas) -> Self {
        Failure::OutOfGas("out of gas".into())
    }
}

impl From<BadArgs> for Failure {
    fn from(_: BadArgs) -> Self {
        Failure::BadArgs
    }
}

/// What a method body returns: its ABI-encoded outputs.
pub(crate) type MethodResult = Result<Vec<u8>, Failure>;

/// One call to a precompile method, as its body sees it.
pub(crate) struct Call<'a> {
    pub(crate) ctx: &'a mut WorldCtx,
    pub(crate) router: &'a Router,
    pub(crate) inputs: &'a CallInputs,
    /// Calldata after the selector.
    pub(crate) args: Args<'a>,
    pub(crate) gas: Burner,
    /// Journal depth of the precompile's frame (1 for a transaction sent to it).
    pub(crate) depth: usize,
    /// `msg.value`.
    pub(crate) value: U256,
    /// `msg.sender`.
    pub(crate) caller: Address,
}

impl Call<'_> {
    /// Burns gas.
    pub(crate) fn burn(&mut self, amount: u64) -> Result<(), OutOfGas> {
        self.gas.burn(amount)
    }

    /// Burns `n` ArbOS storage reads.
    pub(crate) fn reads(&mut self, n: u64) -> Result<(), OutOfGas> {
        self.gas.burn(STORAGE_READ * n)
    }

    /// The ArbOS version in force.
    pub(crate) fn arbos_version(&self) -> u64 {
        self.router.params.arbos_version
    }

    /// Emits a log from the precompile, burning nitro's event gas: 375 + 375 per topic
    /// (the signature included) + 8 per data byte.
    pub(crate) fn emit(
        &mut self,
        address: Address,
        topics: Vec<revm::primitives::B256>,
        data: Vec<u8>,
    ) -> MethodResult {
        if self.inputs.is_static {
            // nitro: events in read-only calls are a write-protection error (ArbOS ≥ 11).
            return Err(Failure::Revert("event emitted in a static call".into()));
        }
        self.burn(375 + 375 * topics.len() as u64 + 8 * data.len() as u64)?;
        self.ctx.journal_mut().log(revm::primitives::Log::new_unchecked(address, topics, data.into()));
        Ok(Vec::new())
    }
}

/// A precompile diorama implements.
pub(crate) struct Precompile {
    pub(crate) address: Address,
    pub(crate) name: &'static str,
    /// First ArbOS version with the precompile; before it, calls behave as to an empty account.
    pub(crate) since: u64,
    pub(crate) methods: &'static [Method],
    /// Runs method `index` of `methods`.
    pub(crate) run: fn(&mut Call<'_>, usize) -> MethodResult,
}

fn precompile(address: &Address) -> Option<&'static Precompile> {
    match *address {
        ARBSYS => Some(&arbsys::ARBSYS_PRECOMPILE),
        ARB_OWNER_PUBLIC => Some(&arbownerpublic::PRECOMPILE),
        ARB_GAS_INFO => Some(&arbgasinfo::PRECOMPILE),
        ARBWASM => Some(&arbwasm::PRECOMPILE),
        ARBWASM_CACHE => Some(&arbwasmcache::PRECOMPILE),
        _ => None,
    }
}

/// Whether `address` is an Arbitrum precompile address (implemented or not).
pub(crate) fn is_precompile(address: &Address) -> bool {
    precompile_name(address).is_some()
}

/// Runs a call frame addressed to an Arbitrum precompile address.
pub(crate) fn run(router: &Router, ctx: &mut WorldCtx, inputs: &CallInputs) -> InterpreterResult {
    let depth = ctx.journal().depth();
    let Some(precompile) = precompile(&inputs.bytecode_address) else {
        let name = precompile_name(&inputs.bytecode_address).unwrap_or("an Arbitrum precompile");
        let detail =
            format!("call to {name} ({}), an Arbitrum precompile diorama does not implement", inputs.bytecode_address);
        router.note_unimplemented(depth, &detail);
        let mut gas = Gas::new(inputs.gas_limit);
        gas.spend_all();
        return InterpreterResult::new(InstructionResult::Revert, Bytes::new(), gas);
    };
    let version = router.params.arbos_version;
    if version < precompile.since {
        // nitro: "the precompile isn't yet active, so treat this call as if it were to a
        // contract that doesn't exist".
        return InterpreterResult::new(InstructionResult::Stop, Bytes::new(), Gas::new(inputs.gas_limit));
    }
    let input = inputs.input.bytes(ctx);
    let (result, output, used) = dispatch(router, ctx, inputs, precompile, &input, depth);
    let mut gas = Gas::new(inputs.gas_limit);
    if !gas.record_regular_cost(used) {
        gas.spend_all();
    }
    InterpreterResult::new(result, output, gas)
}

fn dispatch(
    router: &Router,
    ctx: &mut WorldCtx,
    inputs: &CallInputs,
    precompile: &Precompile,
    input: &[u8],
    depth: usize,
) -> (InstructionResult, Bytes, u64) {
    let name = precompile.name;
    let all = inputs.gas_limit;
    let revert_all = |detail: String| {
        router.note_status(depth, TxStatus::Revert, detail);
        (InstructionResult::Revert, Bytes::new(), all)
    };
    let Some((selector, rest)) = input.split_first_chunk::<4>() else {
        return revert_all(format!("{name}: calldata shorter than a selector"));
    };
    let version = router.params.arbos_version;
    let found = precompile
        .methods
        .iter()
        .enumerate()
        .find(|(_, method)| crate::stylus::selector(method.signature) == *selector);
    let Some((index, method)) = found else {
        let hex = revm::primitives::hex::encode(selector);
        return revert_all(format!("{name}: unknown selector 0x{hex}"));
    };
    if version < method.since || method.until.is_some_and(|until| version > until) {
        let range = match method.until {
            Some(until) => format!("ArbOS {}–{until}", method.since),
            None => format!("ArbOS {} and later", method.since),
        };
        return revert_all(format!("{name}.{}: exists in {range}, the chain runs ArbOS {version}", method.signature));
    }
    let value = inputs.call_value();
    if method.purity >= Purity::View && inputs.target_address != precompile.address {
        return revert_all(format!("{name}.{}: called by DELEGATECALL", method.signature));
    }
    if method.purity >= Purity::Write && inputs.is_static {
        return revert_all(format!("{name}.{}: writes state in a static call", method.signature));
    }
    if method.purity < Purity::Payable && !value.is_zero() {
        return revert_all(format!("{name}.{}: not payable, {value} wei sent", method.signature));
    }
    let mut call =
        Call { ctx, router, inputs, args: Args(rest), gas: Burner::new(all), depth, value, caller: inputs.caller };
    // Opening the ArbOS state reads its version; then the arguments are copied.
    let opened = if method.purity == Purity::Pure { Ok(()) } else { call.reads(1) };
    if opened.and_then(|()| call.burn(copy_cost(rest.len()))).is_err() {
        return revert_all(format!("{name}.{}: out of gas", method.signature));
    }
    match (precompile.run)(&mut call, index) {
        Ok(output) => {
            if call.burn(copy_cost(output.len())).is_err() {
                return revert_all(format!("{name}.{}: out of gas for the result", method.signature));
            }
            (InstructionResult::Return, output.into(), call.gas.used())
        }
        Err(Failure::Sol(data, detail)) => {
            if call.burn(copy_cost(data.len())).is_err() {
                return revert_all(format!("{name}.{}: out of gas for the error", method.signature));
            }
            router.note_status(depth, TxStatus::Revert, detail);
            (InstructionResult::Revert, data.into(), call.gas.used())
        }
        Err(Failure::Revert(detail)) => {
            router.note_status(depth, TxStatus::Revert, format!("{name}.{}: {detail}", method.signature));
            (InstructionResult::Revert, Bytes::new(), call.gas.used())
        }
        Err(Failure::OutOfGas(detail)) => revert_all(format!("{name}.{}: {detail}", method.signature)),
        Err(Failure::BadArgs) => revert_all(format!("{name}.{}: the arguments do not decode", method.signature)),
        Err(Failure::Activation(detail)) => revert_all(detail),
    }
}
