//! Time of `diorama check` on large and hostile inputs (issue 13): a 100,000-step scenario,
//! 60,000 accounts in one `setState`, 40,000 storage slots, and a 500,000-digit decimal (an input
//! error). Each figure is the best of three runs of the binary, wall time. Run with
//! `cargo bench -p diorama-runner --bench large_inputs`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const ROUNDS: usize = 3;

fn write(dir: &Path, name: &str, steps: Vec<serde_json::Value>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&serde_json::json!({ "steps": steps })).unwrap()).unwrap();
    path
}

fn inputs(dir: &Path) -> Vec<(&'static str, PathBuf, i32)> {
    let mut steps = vec![serde_json::json!({
        "step": "setState", "accounts": { "address:alice": { "balance": "1,000,000" }, "address:bob": {} } })];
    for i in 0..100_000 {
        steps.push(serde_json::json!({
            "step": "transfer", "id": format!("t{i}"),
            "tx": { "from": "address:alice", "to": "address:bob", "value": "1" },
            "expect": { "status": "success" } }));
    }
    let many_steps = write(dir, "steps-100k.scen.json", steps);
    let accounts: serde_json::Map<String, serde_json::Value> =
        (0..60_000).map(|i| (format!("address:a{i}"), serde_json::json!({ "balance": "1" }))).collect();
    let accounts =
        write(dir, "accounts-60k.scen.json", vec![serde_json::json!({ "step": "setState", "accounts": accounts })]);
    let slots: serde_json::Map<String, serde_json::Value> =
        (1..=40_000).map(|i| (format!("0x{i:064x}"), serde_json::json!("1"))).collect();
    let slots = write(
        dir,
        "slots-40k.scen.json",
        vec![serde_json::json!({ "step": "setState", "accounts": { "address:a": { "storage": slots } } })],
    );
    let digits = write(
        dir,
        "decimal-500k-digits.scen.json",
        vec![
            serde_json::json!({ "step": "setState", "accounts": { "address:a": { "balance": "1".repeat(500_000) } } }),
        ],
    );
    vec![
        ("100,000 steps", many_steps, 0),
        ("60,000 accounts in one setState", accounts, 0),
        ("40,000 storage slots", slots, 0),
        ("a 500,000-digit decimal (rejected)", digits, 2),
    ]
}

fn main() {
    let dir = std::env::temp_dir().join(format!("diorama-large-inputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    println!("diorama check, best of {ROUNDS} (wall time):");
    for (what, path, code) in inputs(&dir) {
        let size = std::fs::metadata(&path).unwrap().len();
        let best = (0..ROUNDS)
            .map(|_| {
                let start = Instant::now();
                let output = Command::new(env!("CARGO_BIN_EXE_diorama")).arg("check").arg(&path).output().unwrap();
                let elapsed = start.elapsed();
                assert_eq!(output.status.code(), Some(code), "{what}: {}", String::from_utf8_lossy(&output.stderr));
                elapsed
            })
            .min()
            .unwrap_or(Duration::ZERO);
        println!("  {what:<36} {:>8.3} s  ({:.1} MB)", best.as_secs_f64(), size as f64 / 1e6);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
