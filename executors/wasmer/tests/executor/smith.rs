//! wasm-smith modules shaped like Stylus programs (issue 13, item 9): every `vm_hooks` import
//! available, `memory` and `user_entrypoint (i32) -> i32` exported, the wasmparser features
//! nitro enables (no floats, SIMD, reference types, threads, tail calls, table instructions). Each goes through
//! activation and, if it activates, a call with a gas limit; every ending must be a classified
//! status and nothing may crash. Loops, recursion, traps, memory growth and hostio calls with
//! arbitrary arguments come from the generator. CI runs a small seeded sample; `ci/fuzz` a large
//! one (`DIORAMA_FUZZ_CASES`).

use std::collections::BTreeMap;

use crate::common::executor;
use crate::fuzz::{activate_and_call, cases, imports};
use arbitrary::Unstructured;
use wasm_smith::{Config, InstructionKind, InstructionKinds, Module};

/// Gas per call: small, so that generated endless loops end in `OutOfInk` quickly.
const CALL_GAS: u64 = 20_000;

pub(crate) fn stylus_shaped() -> Config {
    let imports = wat::parse_str(format!("(module {})", imports())).expect("the imports module parses");
    let exports = wat::parse_str(
        r#"(module (memory (export "memory") 1 1)
             (func (export "user_entrypoint") (param i32) (result i32) unreachable))"#,
    )
    .expect("the exports module parses");
    Config {
        available_imports: Some(imports),
        exports: Some(exports),
        allow_floats: false,
        // nitro rejects table instructions, `data.drop` and `memory.init` (memory.copy/fill are
        // covered by WAT fixtures and the hand-written generator).
        allowed_instructions: InstructionKinds::new(&[
            InstructionKind::NumericInt,
            InstructionKind::Parametric,
            InstructionKind::Variable,
            InstructionKind::MemoryInt,
            InstructionKind::Control,
        ]),
        bulk_memory_enabled: false,
        simd_enabled: false,
        relaxed_simd_enabled: false,
        reference_types_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        tail_call_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        memory64_enabled: false,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        multi_value_enabled: false,
        compact_imports_enabled: false,
        custom_descriptors_enabled: false,
        acquire_release_atomics_enabled: false,
        multibyte_array_access_enabled: false,
        // The exported memory is generated anyway; no second one (nitro has one memory).
        max_memories: 0,
        max_tables: 1,
        max_table_elements: 1_000,
        max_funcs: 12,
        max_instructions: 300,
        ..Config::default()
    }
}

/// The bytes one seed draws from.
pub(crate) fn entropy(seed: u64) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..4_096).map(|_| rng.u8(..)).collect()
}

#[test]
fn fuzz_smith_modules_activate_and_run_to_a_known_outcome() {
    let executor = executor();
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let total = cases(150);
    for seed in 1..=total {
        let bytes = entropy(seed);
        let module = Module::new(stylus_shaped(), &mut Unstructured::new(&bytes))
            .unwrap_or_else(|e| panic!("seed {seed}: wasm-smith could not build a module: {e}"));
        let wasm = module.to_bytes();
        *outcomes.entry(activate_and_call(&executor, wasm, CALL_GAS)).or_default() += 1;
    }
    eprintln!("{total} wasm-smith modules: {outcomes:#?}");
    assert_eq!(outcomes.values().sum::<u64>(), total);
    // Most modules must get past activation and run, or the sample tests only the validator.
    let ran: u64 = outcomes.iter().filter(|(k, _)| !k.starts_with("activation")).map(|(_, n)| n).sum();
    assert!(ran * 2 >= total, "only {ran} of {total} modules activated: {outcomes:#?}");
    for class in ["Success", "Revert", "Failure", "OutOfInk"] {
        assert!(outcomes.contains_key(class), "no module ended {class}: {outcomes:#?}");
    }
}
