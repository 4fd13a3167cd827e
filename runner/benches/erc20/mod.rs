//! The ERC-20 workload of the overhead benchmark, shared by the bench (which times it) and the
//! `erc20_workload` example (which `ci/bench-instructions` counts instructions of): a scenario of
//! transfers, and the same transfers as a bare revm `transact_commit` loop.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use alloy_dyn_abi::DynSolValue;
use alloy_primitives::{Address, U256, keccak256};
use revm::context::TxEnv;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::TxKind;
use revm::primitives::hardfork::SpecId;
use revm::state::AccountInfo;
use revm::{Context, ExecuteCommitEvm, MainBuilder};

/// Transfers per run.
pub(crate) const TRANSFERS: usize = 2_000;

fn name_address(name: &str) -> Address {
    let mut bytes = [b'_'; 20];
    bytes[..name.len()].copy_from_slice(name.as_bytes());
    Address::from(bytes)
}

fn artifact() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/artifacts/ERC20.json")
        .canonicalize()
        .expect("ERC20 artifact")
}

/// A scenario: deploy, then `TRANSFERS` transfers alternating alice→bob and bob→alice, each
/// checked for status, output and its Transfer log.
pub(crate) fn write_scenario(dir: &Path) -> PathBuf {
    let mut steps = vec![serde_json::json!({
        "step": "setState",
        "accounts": { "address:alice": {}, "address:bob": {} },
        "newAddresses": [{ "creator": "address:alice", "nonce": "0", "address": "address:token" }]
    })];
    steps.push(serde_json::json!({
        "step": "deploy",
        "tx": { "from": "address:alice", "code": format!("evm:{}", artifact().display()),
                "constructor": "constructor(string,string,uint256)", "args": ["str:Token", "str:TOK", "1,000,000,000"] },
        "expect": { "status": "success" }
    }));
    for i in 0..TRANSFERS {
        let (from, to) = if i % 2 == 0 { ("alice", "bob") } else { ("bob", "alice") };
        steps.push(serde_json::json!({
            "step": "call",
            "tx": { "from": format!("address:{from}"), "to": "address:token",
                    "function": "transfer(address,uint256)(bool)", "args": [format!("address:{to}"), "1"] },
            "expect": { "status": "success", "out": ["true"],
                        "logs": [{ "address": "address:token", "event": "Transfer(address indexed,address indexed,uint256)",
                                   "args": [format!("address:{from}"), format!("address:{to}"), "1"] }] }
        }));
    }
    let path = dir.join("bench-erc20.scen.json");
    std::fs::write(&path, serde_json::to_string_pretty(&serde_json::json!({ "steps": steps })).unwrap()).unwrap();
    path
}

pub(crate) fn bare_revm() -> Duration {
    let alice = name_address("alice");
    let bob = name_address("bob");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(artifact()).unwrap()).unwrap();
    let mut init = alloy_primitives::hex::decode(json["bytecode"].as_str().unwrap().trim_start_matches("0x")).unwrap();
    init.extend(
        DynSolValue::Tuple(vec![
            DynSolValue::String("Token".into()),
            DynSolValue::String("TOK".into()),
            DynSolValue::Uint(U256::from(1_000_000_000u64), 256),
        ])
        .abi_encode_params(),
    );
    let mut db = CacheDB::new(EmptyDB::new());
    db.insert_account_info(alice, AccountInfo::default());
    db.insert_account_info(bob, AccountInfo::default());
    let ctx: revm::handler::MainnetContext<CacheDB<EmptyDB>> = Context::new(db, SpecId::CANCUN);
    let mut evm = ctx.build_mainnet();
    let deploy = TxEnv {
        caller: alice,
        kind: TxKind::Create,
        data: init.into(),
        gas_limit: 30_000_000,
        nonce: 0,
        ..Default::default()
    };
    let token = evm.transact_commit(deploy).unwrap().created_address().unwrap();
    let selector = &keccak256(b"transfer(address,uint256)")[..4];
    let calldata = |to: Address| {
        let mut data = selector.to_vec();
        data.extend(
            DynSolValue::Tuple(vec![DynSolValue::Address(to), DynSolValue::Uint(U256::from(1), 256)])
                .abi_encode_params(),
        );
        alloy_primitives::Bytes::from(data)
    };
    let (to_bob, to_alice) = (calldata(bob), calldata(alice));
    let mut nonces = [1u64, 0u64];
    let start = Instant::now();
    for i in 0..TRANSFERS {
        let (from, data, n) = if i % 2 == 0 { (alice, to_bob.clone(), 0) } else { (bob, to_alice.clone(), 1) };
        let tx = TxEnv {
            caller: from,
            kind: TxKind::Call(token),
            data,
            gas_limit: 30_000_000,
            nonce: nonces[n],
            ..Default::default()
        };
        nonces[n] += 1;
        let result = evm.transact_commit(tx).unwrap();
        assert!(result.is_success());
    }
    start.elapsed()
}
