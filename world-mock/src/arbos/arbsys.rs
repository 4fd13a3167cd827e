//! ArbSys (`0x64`, nitro `precompiles/ArbSys.go`): L2 block and chain facts, the call-depth
//! queries, and L2→L1 messages (`sendTxToL1`, `withdrawEth`), which burn their value and emit
//! nitro's events; diorama has no L1, so nothing executes there.
//!
//! The send Merkle accumulator (nitro `arbos/merkleAccumulator`) is kept in the ArbOS state
//! account's storage, so it is journaled: its size, then one partial hash per level.

use revm::context::{ContextTr, JournalTr};
use revm::context_interface::Block;
use revm::context_interface::journaled_state::account::JournaledAccountTr;
use revm::database_interface::DatabaseRef;
use revm::primitives::{Address, B256, U256, keccak256};

use super::abi::{Out, error_data};
use super::burner::{STORAGE_READ, keccak_cost, write_cost};
use super::{ARBSYS, Call, Failure, Method, MethodResult, Precompile, Purity, m};
use crate::stylus::records::{ArbosStorage, JournalStorage};

/// `L2ToL1Tx(address caller, address indexed destination, uint256 indexed hash, uint256 indexed
/// position, uint256 arbBlockNum, uint256 ethBlockNum, uint256 timestamp, uint256 callvalue, bytes data)`.
pub const L2_TO_L1_TX: &str = "L2ToL1Tx(address,address,uint256,uint256,uint256,uint256,uint256,uint256,bytes)";
/// `SendMerkleUpdate(uint256 indexed reserved, bytes32 indexed hash, uint256 indexed position)`.
pub const SEND_MERKLE_UPDATE: &str = "SendMerkleUpdate(uint256,bytes32,uint256)";

const METHODS: [Method; 12] = [
    m("arbBlockNumber()", Purity::View),
    m("arbBlockHash(uint256)", Purity::View),
    m("arbChainID()", Purity::View),
    m("arbOSVersion()", Purity::View),
    m("getStorageGasAvailable()", Purity::View),
    m("isTopLevelCall()", Purity::View),
    m("mapL1SenderContractAddressToL2Alias(address,address)", Purity::Pure),
    m("wasMyCallersAddressAliased()", Purity::View),
    m("myCallersAddressWithoutAliasing()", Purity::View),
    m("withdrawEth(address)", Purity::Payable),
    m("sendTxToL1(address,bytes)", Purity::Payable),
    m("sendMerkleTreeState()", Purity::View),
];

pub(crate) static ARBSYS_PRECOMPILE: Precompile =
    Precompile { address: ARBSYS, name: "ArbSys", since: 0, methods: &METHODS, run };

/// The L1 alias offset nitro adds to L1 contract addresses (`util.RemapL1Address`).
const ALIAS_OFFSET: Address = revm::primitives::address!("1111000000000000000000000000000000001111");

fn run(call: &mut Call<'_>, index: usize) -> MethodResult {
    let l2_number = call.router.block.number;
    // geth's `evm.Depth()` while an ArbOS precompile runs: nitro's wrapper counts the
    // precompile as a frame (`gethhook.RunAdvanced` increments it), so it is revm's depth.
    let evm_depth = call.depth;
    match METHODS[index].signature {
        "arbBlockNumber()" => Ok(Out::new().uint(U256::from(l2_number)).into_bytes()),
        "arbBlockHash(uint256)" => {
            let requested = call.args.uint(0)?;
            let in_window =
                u64::try_from(requested).ok().filter(|&n| n < l2_number && n.saturating_add(256) >= l2_number);
            let Some(number) = in_window else {
                let data = error_data("InvalidBlockNumber(uint256,uint256)", &[requested, U256::from(l2_number)]);
                return Err(Failure::Sol(data, format!("block {requested} is not among the 256 before {l2_number}")));
            };
            let Ok(hash) = call.ctx.journaled_state.database.block_hash_ref(number);
            Ok(Out::new().word(hash).into_bytes())
        }
        "arbChainID()" => Ok(Out::new().uint(U256::from(call.ctx.cfg.chain_id)).into_bytes()),
        // nitro reports 55 + the ArbOS version (Nitro's first ArbOS was 56).
        "arbOSVersion()" => Ok(Out::new().uint(U256::from(55 + call.arbos_version())).into_bytes()),
        "getStorageGasAvailable()" => Ok(Out::new().uint(U256::ZERO).into_bytes()),
        "isTopLevelCall()" => Ok(Out::new().bool(evm_depth <= 2).into_bytes()),
        "mapL1SenderContractAddressToL2Alias(address,address)" => {
            let sender = call.args.address(0)?;
            call.args.address(1)?;
            Ok(Out::new().address(alias(sender)).into_bytes())
        }
        // diorama's transactions are all signed L2 transactions: nothing arrives aliased.
        "wasMyCallersAddressAliased()" => Ok(Out::new().bool(false).into_bytes()),
        "myCallersAddressWithoutAliasing()" => {
            // nitro: `Contracts[depth-2].Caller()`: the sender of the frame that called ArbSys.
            let address = if evm_depth > 1 {
                call.router.log.borrow().open_frames.caller_at(evm_depth - 1).unwrap_or_default()
            } else {
                Address::ZERO
            };
            Ok(Out::new().address(address).into_bytes())
        }
        "withdrawEth(address)" => send_tx_to_l1(call, call.args.address(0)?, &[]),
        "sendTxToL1(address,bytes)" => {
            let destination = call.args.address(0)?;
            let data = call.args.bytes(1)?.to_vec();
            send_tx_to_l1(call, destination, &data)
        }
        "sendMerkleTreeState()" => {
            if call.caller != Address::ZERO {
                return Err(Failure::Revert("method can only be called by address zero".into()));
            }
            merkle_tree_state(call)
        }
        other => unreachable!("ArbSys method {other} has no body"),
    }
}

/// nitro `util.RemapL1Address`: the L2 alias of an L1 contract address.
fn alias(address: Address) -> Address {
    let sum = U256::from_be_slice(address.as_slice()).wrapping_add(U256::from_be_slice(ALIAS_OFFSET.as_slice()));
    Address::from_slice(&sum.to_be_bytes::<32>()[12..])
}

/// Storage slots of the send Merkle accumulator (diorama's layout in the ArbOS state account).
fn accumulator_slot(index: u64) -> U256 {
    U256::from_be_bytes(keccak256(b"diorama.arbsys.sendMerkle").0).wrapping_add(U256::from(index))
}

/// `sendTxToL1(address destination, bytes data) payable returns (uint256)`.
fn send_tx_to_l1(call: &mut Call<'_>, destination: Address, data: &[u8]) -> MethodResult {
    let value = call.value;
    let l1_number = call.ctx.block.number().saturating_to::<u64>();
    let l2_number = call.router.block.number;
    let timestamp = call.ctx.block.timestamp().saturating_to::<u64>();
    if call.arbos_version() >= 41 && !value.is_zero() {
        call.reads(1)?; // the native token owners: diorama has none
    }
    let caller = call.caller;
    let preimage = [
        caller.as_slice(),
        destination.as_slice(),
        &U256::from(l2_number).to_be_bytes::<32>(),
        &U256::from(l1_number).to_be_bytes::<32>(),
        &U256::from(timestamp).to_be_bytes::<32>(),
        &value.to_be_bytes::<32>(),
        data,
    ]
    .concat();
    call.burn(keccak_cost(preimage.len()))?;
    let send_hash = keccak256(&preimage);
    let updates = append(call, send_hash)?;
    let size = size(call)?;

    // The value leaves L2: ArbSys received it with the call and burns it.
    let Ok(mut account) = call.ctx.journal_mut().load_account_mut(ARBSYS);
    account.data.decr_balance(value);
    for (level, leaf, hash) in updates {
        // position = level << 192 | leaf
        let position = (U256::from(level) << 192) | U256::from(leaf);
        let topics = vec![keccak256(SEND_MERKLE_UPDATE.as_bytes()), B256::ZERO, hash, B256::from(position)];
        call.emit(ARBSYS, topics, Vec::new())?;
    }
    let leaf = size - 1;
    let topics =
        vec![keccak256(L2_TO_L1_TX.as_bytes()), destination.into_word(), send_hash, B256::from(U256::from(leaf))];
    let mut event = Out::new()
        .address(caller)
        .uint(U256::from(l2_number))
        .uint(U256::from(l1_number))
        .uint(U256::from(timestamp))
        .uint(value)
        .uint(U256::from(6 * 32))
        .uint(U256::from(data.len()))
        .into_bytes();
    event.extend_from_slice(data);
    event.resize(event.len().div_ceil(32) * 32, 0);
    call.emit(ARBSYS, topics, event)?;
    Ok(Out::new().uint(U256::from(leaf)).into_bytes())
}

/// `MerkleAccumulator.Append`: returns the (level, leaf, hash) of each node it completed.
fn append(call: &mut Call<'_>, item: B256) -> Result<Vec<(u64, u64, B256)>, Failure> {
    let size = size(call)? + 1;
    call.burn(write_cost(true))?;
    JournalStorage(call.ctx).set(accumulator_slot(0), U256::from(size));
    let mut events = Vec::new();
    let mut level = 0u64;
    let mut so_far = keccak256(item);
    let partials = u64::from(64 - (size - 1).leading_zeros());
    loop {
        if level == partials {
            call.burn(write_cost(true))?;
            JournalStorage(call.ctx).set(accumulator_slot(2 + level), U256::from_be_bytes(so_far.0));
            break;
        }
        call.burn(STORAGE_READ)?;
        let this_level = B256::from(JournalStorage(call.ctx).get(accumulator_slot(2 + level)));
        if this_level == B256::ZERO {
            call.burn(write_cost(true))?;
            JournalStorage(call.ctx).set(accumulator_slot(2 + level), U256::from_be_bytes(so_far.0));
            break;
        }
        call.burn(keccak_cost(64))?;
        so_far = keccak256([this_level.as_slice(), so_far.as_slice()].concat());
        call.burn(write_cost(false))?;
        JournalStorage(call.ctx).set(accumulator_slot(2 + level), U256::ZERO);
        level += 1;
        events.push((level, size - 1, so_far));
    }
    Ok(events)
}

fn partial(call: &mut Call<'_>, level: u64) -> Result<B256, Failure> {
    call.burn(STORAGE_READ)?;
    Ok(B256::from(JournalStorage(call.ctx).get(accumulator_slot(2 + level))))
}

fn size(call: &mut Call<'_>) -> Result<u64, Failure> {
    call.burn(STORAGE_READ)?;
    Ok(JournalStorage(call.ctx).get(accumulator_slot(0)).saturating_to())
}

/// `sendMerkleTreeState() returns (uint256 size, bytes32 root, bytes32[] partials)`
/// (nitro `MerkleAccumulator.StateForExport`).
fn merkle_tree_state(call: &mut Call<'_>) -> MethodResult {
    let count = size(call)?;
    let levels = u64::from(64 - count.leading_zeros());
    let mut root: Option<(B256, u64)> = None;
    let mut capacity = 1u64;
    for level in 0..levels {
        let partial = partial(call, level)?;
        if partial != B256::ZERO {
            root = Some(match root {
                None => (partial, capacity),
                Some((mut so_far, mut in_hash)) => {
                    while in_hash < capacity {
                        call.burn(keccak_cost(64))?;
                        so_far = keccak256([so_far.as_slice(), &[0u8; 32]].concat());
                        in_hash *= 2;
                    }
                    call.burn(keccak_cost(64))?;
                    (keccak256([partial.as_slice(), so_far.as_slice()].concat()), 2 * capacity)
                }
            });
        }
        capacity = capacity.saturating_mul(2);
    }
    let count_again = size(call)?;
    let mut partials = Vec::new();
    for level in 0..u64::from(64 - count_again.leading_zeros()) {
        partials.push(partial(call, level)?);
    }
    let mut out = Out::new()
        .uint(U256::from(count_again))
        .word(root.map(|(hash, _)| hash).unwrap_or_default())
        .uint(U256::from(96))
        .uint(U256::from(partials.len()));
    for partial in partials {
        out = out.word(partial);
    }
    Ok(out.into_bytes())
}
