//! ERC-20 transfers per second: through `diorama run` (scenario parse, prepare, execute, check)
//! versus a bare revm `transact_commit` loop over the same transfers. Reported as a ratio from
//! one run, since the machines are noisy. Run with `cargo bench -p diorama-runner`.

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

// Same allocator as the `diorama` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TRANSFERS: usize = 2_000;
const ROUNDS: usize = 7;

mod timing;
use timing::best_of_each;

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
fn write_scenario(dir: &Path) -> PathBuf {
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

fn diorama_in_process(path: &Path, jobs: usize) -> Duration {
    let start = Instant::now();
    let report = diorama::suite::run_paths(
        &[path.to_path_buf()],
        &diorama::suite::RunOptions { filter: None, jobs, ..Default::default() },
    )
    .unwrap();
    let elapsed = start.elapsed();
    assert_eq!(report.exit_code(), 0, "{}", diorama::report::render_human(&report, false));
    elapsed
}

/// Only the run phase: a scenario loaded and prepared beforehand, executed and checked.
fn diorama_execute_only(path: &Path) -> Duration {
    let scenario = scenario_format::load_scenario(path).unwrap();
    let prepared = diorama::prepare::prepare(scenario, &diorama::artifacts::Artifacts::default()).unwrap();
    let start = Instant::now();
    let report = diorama::execute::run_scenario(&prepared);
    let elapsed = start.elapsed();
    assert!(report.passed());
    elapsed
}

/// The `diorama run` process with `--jobs jobs` (0: one per core).
fn diorama_cli(path: &Path, jobs: usize) -> Option<Duration> {
    let exe = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/diorama");
    if !exe.exists() {
        return None;
    }
    let start = Instant::now();
    let status = std::process::Command::new(&exe)
        .args(["run", "--jobs", &jobs.to_string()])
        .arg(path)
        .stdout(std::process::Stdio::null())
        .status()
        .ok()?;
    assert!(status.success());
    Some(start.elapsed())
}

fn bare_revm() -> Duration {
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

fn main() {
    let dir = std::env::temp_dir().join(format!("diorama-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = write_scenario(&dir);
    // Each figure is taken in turn with the bare loop it is divided by.
    let [bare, ours, ours_default, run_only] = best_of_each(
        ROUNDS,
        [&mut bare_revm, &mut || diorama_in_process(&path, 1), &mut || diorama_in_process(&path, 0), &mut || {
            diorama_execute_only(&path)
        }],
    );
    let per_sec = |d: Duration| TRANSFERS as f64 / d.as_secs_f64();
    println!("ERC-20 transfers: {TRANSFERS} per run, best of {ROUNDS} taken in turn");
    println!("  bare revm transact_commit loop : {:>10.0} tx/s", per_sec(bare));
    println!("  diorama run (library, --jobs 1): {:>10.0} tx/s  (parse + prepare + execute + check)", per_sec(ours));
    println!("  overhead ratio (diorama / bare): {:.2}x  (target <= 1.5x)", ours.as_secs_f64() / bare.as_secs_f64());
    println!(
        "  diorama run, default --jobs     : {:>10.0} tx/s, ratio {:.2}x (the file loads on a second thread as it runs)",
        per_sec(ours_default),
        ours_default.as_secs_f64() / bare.as_secs_f64()
    );
    // Machine-readable lines for `ci/bench`.
    println!("BENCH erc20.bare_tx_per_s={:.0}", per_sec(bare));
    println!("BENCH erc20.lib_ratio={:.3}", ours.as_secs_f64() / bare.as_secs_f64());
    println!("BENCH erc20.lib_default_jobs_ratio={:.3}", ours_default.as_secs_f64() / bare.as_secs_f64());
    println!(
        "  execute + check only           : {:>10.0} tx/s, ratio {:.2}x (scenario loaded and prepared beforehand)",
        per_sec(run_only),
        run_only.as_secs_f64() / bare.as_secs_f64()
    );
    println!("BENCH erc20.execute_ratio={:.3}", run_only.as_secs_f64() / bare.as_secs_f64());
    match diorama_cli(&path, 1) {
        Some(_) => {
            let [bare, cli, cli_default] = best_of_each(
                ROUNDS,
                [&mut bare_revm, &mut || diorama_cli(&path, 1).unwrap(), &mut || diorama_cli(&path, 0).unwrap()],
            );
            for (what, name, time) in
                [("--jobs 1", "erc20.cli_ratio", cli), ("default --jobs", "erc20.cli_default_jobs_ratio", cli_default)]
            {
                let ratio = time.as_secs_f64() / bare.as_secs_f64();
                println!("  diorama run (CLI, {what:<14}): {:>10.0} tx/s, ratio {ratio:.2}x", per_sec(time));
                println!("BENCH {name}={ratio:.3}");
            }
        }
        None => {
            println!("  diorama run (CLI process)      : skipped (build target/release/diorama first)");
            for name in ["erc20.cli_ratio", "erc20.cli_default_jobs_ratio"] {
                println!("BENCH {name}=null reason=target/release/diorama not built");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
