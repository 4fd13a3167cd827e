//! Generated Stylus-shaped programs (issue 13, item 9): each exports `user_entrypoint` and a
//! memory and imports `vm_hooks`, and its body is a seeded random sequence of hostio calls with
//! arbitrary pointers and lengths, loads and stores anywhere, memory growth, bounded loops,
//! deep recursion, `unreachable` and early exits. Each goes through activation and, if it
//! activates, a call against the fake chain; every result must be one of the known outcomes
//! (a crash would end the test process). CI runs a small seeded corpus; `ci/fuzz` a large one
//! (`DIORAMA_FUZZ_CASES`).

use std::collections::BTreeMap;

use world_mock::revm::primitives::keccak256;
use world_mock::stylus::{StylusExecutor, StylusParams, StylusStatus, activate_wasm};

use executor_wasmer::WasmerExecutor;

use crate::common::{FakeHooks, GAS, call_wasm, executor};

/// Seeded (fastrand), so a failing case is reproducible by its seed.
pub(crate) struct Rng(pub(crate) fastrand::Rng);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0.u64(..)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0.u64(..n.max(1))
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Hostios with their parameter kinds: `p` a pointer, `l` a length, `n` a small number, `g` gas.
const HOSTIOS: &[(&str, &str, bool)] = &[
    ("read_args", "p", false),
    ("write_result", "pl", false),
    ("exit_early", "n", false),
    ("storage_load_bytes32", "pp", false),
    ("storage_cache_bytes32", "pp", false),
    ("storage_flush_cache", "n", false),
    ("transient_load_bytes32", "pp", false),
    ("transient_store_bytes32", "pp", false),
    ("call_contract", "pplpgp", true),
    ("delegate_call_contract", "pplgp", true),
    ("static_call_contract", "pplgp", true),
    ("create1", "plppp", false),
    ("create2", "plpppp", false),
    ("read_return_data", "pnl", true),
    ("return_data_size", "", true),
    ("emit_log", "pln", false),
    ("native_keccak256", "plp", false),
    ("account_balance", "pp", false),
    ("account_codehash", "pp", false),
    ("account_code", "pnlp", true),
    ("account_code_size", "p", true),
    ("block_basefee", "p", false),
    ("block_coinbase", "p", false),
    ("contract_address", "p", false),
    ("tx_gas_price", "p", false),
    ("tx_origin", "p", false),
    ("msg_sender", "p", false),
    ("msg_value", "p", false),
    ("msg_reentrant", "", true),
    ("tx_ink_price", "", true),
    ("math_div", "pp", false),
    ("math_mod", "pp", false),
    ("math_pow", "pp", false),
    ("math_add_mod", "ppp", false),
    ("math_mul_mod", "ppp", false),
];

/// Hostios returning an `i64`.
const I64_RESULTS: &[&str] =
    &["block_gas_limit", "block_number", "block_timestamp", "chainid", "evm_gas_left", "evm_ink_left"];

pub(crate) fn imports() -> String {
    let mut out = String::new();
    for (name, params, result) in HOSTIOS {
        let params: Vec<&str> = params.chars().map(|k| if k == 'g' { "i64" } else { "i32" }).collect();
        let result = if *result { " (result i32)" } else { "" };
        out.push_str(&format!(
            "(import \"vm_hooks\" \"{name}\" (func ${name} (param {}){result}))\n",
            params.join(" ")
        ));
    }
    for name in I64_RESULTS {
        out.push_str(&format!("(import \"vm_hooks\" \"{name}\" (func ${name} (result i64)))\n"));
    }
    out.push_str("(import \"vm_hooks\" \"pay_for_memory_grow\" (func $pay_for_memory_grow (param i32)))\n");
    out
}

fn pointer(rng: &mut Rng) -> u64 {
    match rng.below(10) {
        0 => 65_536 - rng.below(64),              // at the end of the first page
        1 => 65_536 + rng.below(200_000),         // past it (valid after a grow)
        2 => u64::from(u32::MAX) - rng.below(64), // past any memory
        _ => rng.below(1_024),                    // ordinary
    }
}

fn statement(rng: &mut Rng, depth: u32) -> String {
    match rng.below(12) {
        0..=5 => {
            let (name, params, result) = HOSTIOS[rng.below(HOSTIOS.len() as u64) as usize];
            let args: Vec<String> = params
                .chars()
                .map(|kind| match kind {
                    'p' => format!("(i32.const {})", pointer(rng) as u32 as i32),
                    'l' => format!("(i32.const {})", [0, 1, 20, 32, 64, 200, 70_000][rng.below(7) as usize]),
                    'g' => format!("(i64.const {})", [0i64, 1_000, 100_000, -1][rng.below(4) as usize]),
                    _ => format!("(i32.const {})", rng.below(6)),
                })
                .collect();
            let call = format!("(call ${name} {})", args.join(" "));
            if result { format!("(drop {call})") } else { call }
        }
        6 => format!("(drop (call ${}))", rng.pick(I64_RESULTS)),
        7 => format!("(drop (i32.load (i32.const {})))", pointer(rng) as u32 as i32),
        8 => format!("(i64.store (i32.const {}) (i64.const {}))", pointer(rng) as u32 as i32, rng.next() as i64),
        9 => format!("(drop (memory.grow (i32.const {})))", rng.below(4)),
        10 if depth < 2 => format!(
            "(local.set $i (i32.const {})) (loop $l{depth} {} (local.set $i (i32.sub (local.get $i) (i32.const 1))) (br_if $l{depth} (local.get $i)))",
            rng.below(2_000),
            statement(rng, depth + 1)
        ),
        _ => rng
            .pick(&[
                "(drop (call $recurse (i32.const 100)))",
                "(drop (call $recurse (i32.const 100000)))",
                "(if (i32.eqz (local.get $len)) (then unreachable))",
                "(drop (i32.div_u (i32.const 1) (i32.sub (local.get $len) (local.get $len))))",
                "(call $exit_early (i32.const 1))",
            ])
            .to_string(),
    }
}

pub(crate) fn program(rng: &mut Rng) -> String {
    let pages = rng.below(3);
    let max = pages + rng.below(3);
    let body: Vec<String> = (0..1 + rng.below(12)).map(|_| statement(rng, 0)).collect();
    format!(
        r#"(module {}
             (memory (export "memory") {pages} {max})
             (func $recurse (param $n i32) (result i32)
               (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
                 (else (i32.add (i32.const 1) (call $recurse (i32.sub (local.get $n) (i32.const 1)))))))
             (func (export "user_entrypoint") (param $len i32) (result i32) (local $i i32)
               {}
               (i32.const {})))"#,
        imports(),
        body.join("\n               "),
        rng.below(2)
    )
}

/// The generated program of `seed`, as WAT.
pub(crate) fn generated_program(seed: u64) -> String {
    program(&mut Rng(fastrand::Rng::with_seed(seed)))
}

/// Activates `wasm` and, if it activates, calls it with `gas`: the ending's class (every status
/// is named, so a new one must be classified here).
pub(crate) fn activate_and_call(executor: &WasmerExecutor, wasm: Vec<u8>, gas: u64) -> String {
    if let Err(e) = activate_wasm(&wasm, keccak256(&wasm), &StylusParams::default()) {
        return format!("activation rejected: {}", e.to_string().split(':').next().unwrap_or_default());
    }
    let mut hooks = FakeHooks::default();
    let outcome = executor.execute(&call_wasm(wasm, b"calldata", gas), &mut hooks);
    match outcome.status {
        StylusStatus::Success
        | StylusStatus::Revert
        | StylusStatus::Failure
        | StylusStatus::OutOfInk
        | StylusStatus::OutOfStack
        | StylusStatus::NotActivated
        | StylusStatus::InvalidCode => format!("{:?}", outcome.status),
    }
}

/// How many generated programs: small in CI, `DIORAMA_FUZZ_CASES` under `ci/fuzz`.
pub(crate) fn cases(default: u64) -> u64 {
    std::env::var("DIORAMA_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn fuzz_generated_stylus_programs_activate_and_run_to_a_known_outcome() {
    let executor = executor();
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let total = cases(120);
    for seed in 1..=total {
        let mut rng = Rng(fastrand::Rng::with_seed(seed));
        let wat = program(&mut rng);
        let wasm = wat::parse_str(&wat).unwrap_or_else(|e| panic!("seed {seed}: generator wrote bad WAT: {e}\n{wat}"));
        *outcomes.entry(activate_and_call(&executor, wasm, GAS)).or_default() += 1;
    }
    eprintln!("{total} generated programs: {outcomes:#?}");
    assert_eq!(outcomes.values().sum::<u64>(), total);
    // The generator reaches every kind of ending, not only one.
    for class in ["Success", "Failure", "OutOfStack"] {
        assert!(outcomes.contains_key(class), "no program ended {class}: {outcomes:#?}");
    }
}
