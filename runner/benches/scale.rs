//! Suite-scale figures, through the release CLI (`target/release/diorama`, built first):
//! - `--jobs 2` vs `--jobs 1` wall time on a 100-file suite of ERC-20 transfer scenarios
//!   (target >= 1.8x; only meaningful on a machine with 2 idle cores), beside the machine's own
//!   two-way speedup: the suite's two halves run by two `--jobs 1` processes at once vs one
//!   after the other (processes share nothing, so this is the most two threads could gain);
//! - peak RSS of one 100,000-transfer scenario file (~60 MB of JSON), as a multiple of the
//!   file's size (target <= 3x and <= 1 GiB), read with `/usr/bin/time -f %M`.
//!
//! Files are generated into a temporary folder at bench time. Prints a table and `BENCH
//! name=value` lines for `ci/bench`. Run with `cargo bench -p diorama-runner --bench scale`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SUITE_FILES: usize = 100;
const SUITE_TRANSFERS: usize = 300;
const BIG_TRANSFERS: usize = 100_000;
/// Rounds of the suite (each about 0.7 s for the four ways it is run). Best of 5 moved by ±0.2x
/// from run to run on a 2-vCPU machine; 15 keeps the best of each away from passing stalls.
const ROUNDS: usize = 15;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
}

fn cli() -> PathBuf {
    root().join("target/release/diorama")
}

/// One ERC-20 scenario: deploy, then `transfers` checked transfers alternating alice→bob and
/// bob→alice, pretty-printed (as people write them).
fn write_transfers(path: &Path, transfers: usize) {
    use std::io::Write;
    let artifact = root().join("fixtures/artifacts/ERC20.json");
    let mut steps = vec![
        serde_json::json!({
            "step": "setState",
            "accounts": { "address:alice": {}, "address:bob": {} },
            "newAddresses": [{ "creator": "address:alice", "nonce": "0", "address": "address:token" }]
        }),
        serde_json::json!({
            "step": "deploy",
            "tx": { "from": "address:alice", "code": format!("evm:{}", artifact.display()),
                    "constructor": "constructor(string,string,uint256)", "args": ["str:Token", "str:TOK", "1,000,000,000"] },
            "expect": { "status": "success" }
        }),
    ];
    for i in 0..transfers {
        let (from, to) = if i % 2 == 0 { ("alice", "bob") } else { ("bob", "alice") };
        steps.push(serde_json::json!({
            "step": "call", "id": format!("transfer-{i}"),
            "tx": { "from": format!("address:{from}"), "to": "address:token",
                    "function": "transfer(address,uint256)(bool)", "args": [format!("address:{to}"), "1"] },
            "expect": { "status": "success", "out": ["true"],
                        "logs": [{ "address": "address:token", "event": "Transfer(address indexed,address indexed,uint256)",
                                   "args": [format!("address:{from}"), format!("address:{to}"), "1"] }] }
        }));
    }
    let file = std::fs::File::create(path).unwrap();
    let mut out = std::io::BufWriter::new(file);
    serde_json::to_writer_pretty(&mut out, &serde_json::json!({ "steps": steps })).unwrap();
    out.flush().unwrap();
}

/// `diorama run ARGS TARGET`, its report thrown away.
fn diorama_run(args: &[&str], target: &Path) -> Command {
    let mut command = Command::new(cli());
    command.arg("run").args(args).arg(target).stdout(Stdio::null());
    command
}

fn run_cli(args: &[&str], target: &Path) -> Duration {
    let start = Instant::now();
    let status = diorama_run(args, target).status().unwrap();
    let elapsed = start.elapsed();
    assert!(status.success(), "diorama run {args:?} {} failed", target.display());
    elapsed
}

fn threads(dir: &Path) {
    let suite = dir.join("suite");
    // Two halves in folders of their own, so that each can be run by a process of its own.
    let halves = [suite.join("a"), suite.join("b")];
    for (i, half) in halves.iter().enumerate() {
        std::fs::create_dir_all(half).unwrap();
        for j in 0..SUITE_FILES / 2 {
            let n = i * SUITE_FILES / 2 + j;
            write_transfers(&half.join(format!("erc20-{n:03}.scen.json")), SUITE_TRANSFERS);
        }
    }
    run_cli(&["--jobs", "2"], &suite); // warm the page cache
    // Rounds alternate, so load from other processes weighs on all alike.
    let (mut one, mut two, mut apart, mut together) = (Duration::MAX, Duration::MAX, Duration::MAX, Duration::MAX);
    for _ in 0..ROUNDS {
        one = one.min(run_cli(&["--jobs", "1"], &suite));
        two = two.min(run_cli(&["--jobs", "2"], &suite));
        apart = apart.min(halves.iter().map(|half| run_cli(&["--jobs", "1"], half)).sum());
        together = together.min(run_cli_at_once(&halves));
    }
    let speedup = one.as_secs_f64() / two.as_secs_f64();
    let machine = apart.as_secs_f64() / together.as_secs_f64();
    println!(
        "{SUITE_FILES}-file suite ({SUITE_TRANSFERS} transfers each), best of {ROUNDS}: --jobs 1 {one:.2?}, --jobs 2 {two:.2?}, speedup {speedup:.2}x (target >= 1.8x)"
    );
    println!(
        "  the machine's own: its two halves by two --jobs 1 processes, one after the other {apart:.2?}, at once {together:.2?}, speedup {machine:.2}x"
    );
    println!("BENCH threads.jobs1_s={:.3}", one.as_secs_f64());
    println!("BENCH threads.jobs2_s={:.3}", two.as_secs_f64());
    println!("BENCH threads.speedup_2={speedup:.3}");
    println!("BENCH threads.process_speedup_2={machine:.3}");
}

/// Wall time of one `diorama run --jobs 1` process per target, all started at once.
fn run_cli_at_once(targets: &[PathBuf]) -> Duration {
    let start = Instant::now();
    let children: Vec<_> =
        targets.iter().map(|target| diorama_run(&["--jobs", "1"], target).spawn().unwrap()).collect();
    for (mut child, target) in children.into_iter().zip(targets) {
        assert!(child.wait().unwrap().success(), "diorama run {} failed", target.display());
    }
    start.elapsed()
}

/// Peak RSS in bytes of `diorama run` on `file`, from GNU time's `%M` (KiB); `None` without it.
fn peak_rss(file: &Path) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let output = Command::new(time)
        .args(["-f", "BENCH-RSS-KIB %M"])
        .arg(cli())
        .args(["run", "--jobs", "1"])
        .arg(file)
        .stdout(Stdio::null())
        .output()
        .ok()?;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let kib: u64 = stderr.lines().find_map(|l| l.strip_prefix("BENCH-RSS-KIB "))?.trim().parse().ok()?;
    Some(kib * 1024)
}

fn memory(dir: &Path) {
    let file = dir.join("big.scen.json");
    write_transfers(&file, BIG_TRANSFERS);
    let size = std::fs::metadata(&file).unwrap().len();
    let start = Instant::now();
    let Some(rss) = peak_rss(&file) else {
        println!("peak RSS: skipped (no /usr/bin/time)");
        println!("BENCH memory.peak_rss_ratio=null reason=no /usr/bin/time");
        return;
    };
    let elapsed = start.elapsed();
    let mib = |b: u64| b as f64 / (1 << 20) as f64;
    let ratio = rss as f64 / size as f64;
    println!(
        "{BIG_TRANSFERS}-transfer file: {:.1} MiB of JSON, peak RSS {:.1} MiB = {ratio:.2}x the file (target <= 3x, <= 1 GiB), run {elapsed:.2?}",
        mib(size),
        mib(rss)
    );
    println!("BENCH memory.file_mib={:.1}", mib(size));
    println!("BENCH memory.peak_rss_mib={:.1}", mib(rss));
    println!("BENCH memory.big_run_s={:.3}", elapsed.as_secs_f64());
    println!("BENCH memory.peak_rss_ratio={ratio:.3}");
}

fn main() {
    assert!(cli().exists(), "build the CLI first: cargo build --release -p diorama-runner");
    let dir = std::env::temp_dir().join(format!("diorama-bench-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let only = std::env::args().skip(1).find(|a| a == "threads" || a == "memory");
    if only.as_deref() != Some("memory") {
        threads(&dir);
    }
    if only.as_deref() != Some("threads") {
        memory(&dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
