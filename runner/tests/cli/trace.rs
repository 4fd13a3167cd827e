//! Call trees and hostio traces: what a user sees when a call fails deep inside nested frames.

use super::{diorama, text};

/// Human output of the trace fixtures (Stylus → Solidity Panic(0x11); Rust → Rust panic):
/// every frame named, with its kind, decoded call, gas, ink, status and decoded revert data.
#[test]
fn call_trees_of_failing_steps() {
    let output = diorama(&["run", "--trace", "--executor", "wasmer", "fixtures/traces"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    insta::assert_snapshot!("call_trees_of_failing_steps", String::from_utf8_lossy(&output.stdout));
}

#[test]
fn without_trace_a_failure_says_how_to_get_the_tree() {
    let output = diorama(&["run", "fixtures/traces/stylus-calls-solidity-panic.scen.json"]);
    let all = text(&output);
    assert!(!all.contains("call tree:"), "{all}");
    assert!(all.contains("(run with --trace for the call tree)"), "{all}");
}

/// `--trace=all,hostio` on the counter: each hostio in order, with ink before and after that
/// account for the frame's ink (priced as stylus-semantics §2.3 says), in JSON and in the file.
#[test]
fn hostio_traces_account_for_the_frame_ink() {
    let dir = std::env::temp_dir().join(format!("diorama-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("trace.json");
    let args = ["run", "--trace=all,hostio", "--format", "json", "--trace-file", file.to_str().unwrap()];
    let output = diorama(&[&args[..], &["fixtures/scenarios/stylus/counter.scen.json"]].concat());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let steps = report["scenarios"][0]["steps"].as_array().unwrap();
    let increment = steps.iter().find(|s| s["id"] == "increment").unwrap();
    let frame = &increment["trace"];
    assert_eq!((frame["kind"].as_str(), frame["runner"].as_str()), (Some("stylus"), Some("wasmer")));
    let hostios = frame["hostios"].as_array().unwrap();
    let names: Vec<&str> = hostios.iter().map(|h| h["name"].as_str().unwrap()).collect();
    for expected in
        ["read_args", "storage_load_bytes32", "storage_cache_bytes32", "storage_flush_cache", "write_result"]
    {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    let ink = |h: &serde_json::Value, key: &str| h[key].as_u64().unwrap();
    let (limit, used) = (frame["inkLimit"].as_u64().unwrap(), frame["ink"].as_u64().unwrap());
    assert_eq!(used, increment["inkUsed"].as_u64().unwrap(), "the frame's ink is the step's");
    // In order, never overlapping, all inside the frame.
    let mut left = limit;
    let mut hostio_ink = 0;
    for h in hostios {
        assert!(ink(h, "startInk") <= left && ink(h, "endInk") <= ink(h, "startInk"), "{h}");
        hostio_ink += ink(h, "startInk") - ink(h, "endInk");
        left = ink(h, "endInk");
    }
    assert!(left >= limit - used, "the last hostio ends before the frame does");
    assert!(hostio_ink < used);
    let spent = |name: &str| {
        let h = hostios.iter().find(|h| h["name"] == name).unwrap();
        ink(h, "startInk") - ink(h, "endInk")
    };
    assert_eq!(spent("read_args"), 8_400 + 5_040, "base + write_price(4 bytes of calldata)");
    assert_eq!(spent("write_result"), 8_400 + 2 * 16_381, "base + 2 read_price(0)");
    assert_eq!((spent("storage_flush_cache") - 68_073) % 10_000, 0, "base + SSTORE gas in ink");
    let storage_load = hostios.iter().find(|h| h["name"] == "storage_load_bytes32").unwrap();
    assert_eq!(storage_load["args"], format!("0x{}", "00".repeat(32)), "the key it read");
    assert_eq!(storage_load["outs"], format!("0x{}05", "00".repeat(31)), "the value it wrote back");

    let traced: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(traced["schemaVersion"], 1);
    let in_file = traced["steps"].as_array().unwrap().iter().find(|s| s["step"] == "\"increment\" (#5)").unwrap();
    assert_eq!(in_file["trace"], *frame);
    let _ = std::fs::remove_dir_all(&dir);
}
