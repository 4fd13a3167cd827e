//! Ink profiles: folded stacks and flamegraphs that account for the scenario's ink, named
//! functions, cross-VM stacks, and figures that profiling never changes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use super::{diorama, scratch, text};

/// Parses `a;b;c ink` lines.
fn folded(path: &Path) -> Vec<(Vec<String>, u64)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|line| {
            let (stack, ink) = line.rsplit_once(' ').unwrap();
            (stack.split(';').map(str::to_string).collect(), ink.parse().unwrap())
        })
        .collect()
}

/// The boxes of an inferno SVG: (name, ink) from each `<title>name (N ink, P%)</title>`.
fn svg_boxes(path: &Path) -> Vec<(String, u64)> {
    let svg = std::fs::read_to_string(path).unwrap();
    svg.split("<title>")
        .skip(1)
        .filter_map(|rest| {
            let title = rest.split("</title>").next()?;
            let (name, figures) = title.rsplit_once(" (")?;
            let ink = figures.split(' ').next()?.replace(',', "").parse().ok()?;
            Some((unescape(name), ink))
        })
        .collect()
}

fn steps_ink(report: &Value) -> u64 {
    report["scenarios"][0]["steps"].as_array().unwrap().iter().filter_map(|s| s["inkUsed"].as_u64()).sum()
}

/// The compute fixture: the SVG's largest box, apart from the stack that leads to it, is the
/// sieve loop's function; the folded stacks add up to the scenario's ink; functions are named.
#[test]
fn compute_profile_names_the_loop_and_adds_up() {
    let dir = scratch("profile-compute");
    let output = diorama(&[
        "run",
        "--executor",
        "wasmer",
        "--format",
        "json",
        "--ink-profile",
        dir.to_str().unwrap(),
        "fixtures/profiles/compute.scen.json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let stem = dir.join("fixtures__profiles__compute.wasmer");
    let stacks = folded(&stem.with_extension("wasmer.folded"));
    let total: u64 = stacks.iter().map(|(_, ink)| ink).sum();
    assert_eq!(total, steps_ink(&report), "folded stacks add up to the scenario's ink");
    assert_eq!(report["scenarios"][0]["profile"]["totalInk"].as_u64(), Some(total));

    // The costliest stack ends in the sieve (named through the unstripped twin, demangled).
    let (hot, _) = stacks.iter().max_by_key(|(_, ink)| *ink).unwrap();
    let leaf = hot.last().unwrap();
    assert!(leaf.contains("sieve"), "hottest stack {hot:?}");
    assert!(!stacks.iter().flat_map(|(s, _)| s).any(|l| l.contains("func[")), "every function has a name");
    assert!(!stacks.iter().flat_map(|(s, _)| s).any(|l| l.contains("17h")), "names are demangled");

    // In the flamegraph, no box outside that stack is as wide as the sieve's.
    let boxes = svg_boxes(&stem.with_extension("wasmer.svg"));
    let sieve = boxes.iter().filter(|(name, _)| name == leaf).map(|(_, ink)| *ink).max().unwrap();
    let ancestors: BTreeSet<&str> = hot.iter().map(String::as_str).chain(["all"]).collect();
    for (name, ink) in &boxes {
        if !ancestors.contains(name.as_str()) {
            assert!(*ink < sieve || name == leaf, "{name} ({ink} ink) is wider than {leaf} ({sieve} ink)");
        }
    }
}

/// The human report lists the costliest functions, the sieve first.
#[test]
fn human_report_has_the_top_functions() {
    let dir = scratch("profile-human");
    let output = diorama(&[
        "run",
        "--executor",
        "wasmer",
        "--ink-profile",
        dir.to_str().unwrap(),
        "fixtures/profiles/compute.scen.json",
    ]);
    let all = text(&output);
    assert_eq!(output.status.code(), Some(0), "{all}");
    let table: Vec<&str> = all.lines().skip_while(|l| !l.contains("costliest functions")).skip(1).collect();
    assert!(table[0].contains("self ink") && table[0].contains("inclusive ink") && table[0].contains("share"));
    assert!(table[1].contains("sieve"), "{all}");
}

/// Rust → Solidity and Rust → Solidity → Rust: EVM frames sit under the Rust function and the
/// hostio that called them, weighed as gas × 10,000.
#[test]
fn cross_vm_frames_share_one_flame() {
    let dir = scratch("profile-cross-vm");
    let args = ["run", "--executor", "wasmer", "--format", "json", "--ink-profile", dir.to_str().unwrap()];
    let output = diorama(&[&args[..], &["fixtures/profiles/cross-vm.scen.json"]].concat());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let stacks = folded(&dir.join("fixtures__profiles__cross-vm.wasmer.folded"));
    let evm_under_call = stacks.iter().find(|(stack, _)| {
        let evm = stack.iter().position(|l| l.ends_with("[evm]"));
        evm.is_some_and(|i| i >= 2 && stack[i - 1] == "vm_hooks::call_contract")
    });
    assert!(evm_under_call.is_some(), "no EVM frame under a call_contract: {stacks:#?}");
    // Rust → Solidity → Rust: two wasmer frames in one stack.
    assert!(stacks.iter().any(|(stack, _)| stack.iter().filter(|l| l.ends_with("[wasmer]")).count() == 2));
}

/// Every figure of the fixtures (status, gas, ink of each step) is the same with and without
/// profiling.
#[test]
fn profiling_changes_no_figure() {
    let figures = |profile: bool| {
        let dir = scratch("profile-figures");
        let mut args = vec!["run", "--executor", "wasmer", "--keep-going", "--format", "json"];
        if profile {
            args.extend(["--ink-profile", dir.to_str().unwrap()]);
        }
        args.extend(["fixtures/scenarios/stylus", "fixtures/scenarios/calls.scen.json", "fixtures/profiles"]);
        args.extend(["fixtures/should-fail", "fixtures/traces"]);
        let output = diorama(&args);
        let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| panic!("{}", text(&output)));
        let mut figures = BTreeMap::new();
        for scenario in report["scenarios"].as_array().unwrap() {
            for step in scenario["steps"].as_array().unwrap() {
                let key = format!("{} {} #{}", scenario["file"], scenario["executor"], step["index"]);
                let value = [&step["status"], &step["gasUsed"], &step["inkUsed"], &step["mismatches"]];
                figures.insert(key, serde_json::to_string(&value).unwrap());
            }
        }
        figures
    };
    let (plain, profiled) = (figures(false), figures(true));
    assert!(plain.len() > 100, "{} steps", plain.len());
    assert_eq!(plain, profiled);
}

/// XML text as written.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
