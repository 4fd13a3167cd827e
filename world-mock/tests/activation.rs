//! Activation rules (stylus-semantics §1.3) one by one, and the exact outputs (§1.5, §1.6) of
//! a small module whose features are counted by hand below.

mod activation_support;

use activation_support::*;
use world_mock::revm::primitives::{B256, U256};
use world_mock::stylus::{
    ACTIVATION_FIXED_GAS, ActivationError, DataPricer, MAX_CODE_SIZE, ModuleStats, ProgramError, StylusParams,
    activate_wasm, decode_program, encode_program, module_hash,
};
use world_mock::{Commit, TxRequest, TxStatus};

const ENTRY: &str = "i32.const 0";

#[test]
fn a_minimal_program_activates() {
    let info = activate(&program_wat("", "1 1", ENTRY)).expect("activates");
    assert_eq!((info.program.version, info.program.footprint), (2, 1));
}

#[test]
fn float_arithmetic_is_rejected() {
    let wat = r#"(module (memory (export "memory") 1 1)
        (func $f (result f64) f64.const 1 f64.const 2 f64.add)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert_eq!(rejection(wat), "float arithmetic is not supported (f64.add in function 0)");
    // Conversions too; float constants, loads and stores are fine.
    let convert = program_wat("", "1 1", "i32.const 1 f32.convert_i32_s drop i32.const 0");
    assert_eq!(rejection(&convert), "float arithmetic is not supported (f32.convert_i32_s in function 0)");
    let load_store = program_wat("", "1 1", "i32.const 0 i32.const 0 f64.load f64.store i32.const 0");
    assert!(activate(&load_store).is_ok());
}

#[test]
fn table_operators_are_rejected() {
    let wat = r#"(module (memory (export "memory") 1 1) (table 2 funcref)
        (func (export "user_entrypoint") (param i32) (result i32)
            i32.const 0 i32.const 1 i32.const 1 table.copy i32.const 0))"#;
    assert_eq!(rejection(wat), "table.copy is not supported (function 0)");
}

#[test]
fn memory_init_is_rejected() {
    let wat = r#"(module (memory (export "memory") 1 1) (data $d "abc")
        (func (export "user_entrypoint") (param i32) (result i32)
            i32.const 0 i32.const 0 i32.const 3 memory.init $d i32.const 0))"#;
    assert_eq!(rejection(wat), "memory.init is not supported (function 0)");
}

#[test]
fn the_entrypoint_is_required_with_its_type() {
    let missing =
        r#"(module (memory (export "memory") 1 1) (func (export "main") (param i32) (result i32) i32.const 0))"#;
    assert_eq!(rejection(missing), "missing export user_entrypoint");
    let wrong = r#"(module (memory (export "memory") 1 1) (func (export "user_entrypoint") (param i32)))"#;
    assert_eq!(rejection(wrong), "user_entrypoint must be a function of type (i32) -> (i32)");
}

#[test]
fn exactly_one_memory_exported_as_memory() {
    let two = r#"(module (memory (export "memory") 1 1) (memory 1 1)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    let message = rejection(two);
    assert!(message.starts_with("invalid wasm: multiple memories"), "{message}");
    let unexported = r#"(module (memory 1 1) (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(matches!(activate(unexported), Err(ActivationError::MemoryExport)));
    let renamed = r#"(module (memory (export "heap") 1 1) (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(matches!(activate(renamed), Err(ActivationError::MemoryExport)));
    let none = r#"(module (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(matches!(activate(none), Err(ActivationError::MemoryExport)));
}

#[test]
fn start_functions_are_rejected() {
    let wat = r#"(module (memory (export "memory") 1 1) (func $s) (start $s)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert_eq!(rejection(wat), "start functions are not allowed");
}

#[test]
fn imports_must_be_known_vm_hooks() {
    let unknown = program_wat(r#"(import "vm_hooks" "storage_store" (func (param i32 i32)))"#, "1 1", ENTRY);
    assert_eq!(rejection(&unknown), "unknown import vm_hooks.storage_store");
    let other_module = program_wat(r#"(import "env" "read_args" (func (param i32)))"#, "1 1", ENTRY);
    assert_eq!(rejection(&other_module), "import env.read_args is not from module vm_hooks");
    let global = program_wat(r#"(import "vm_hooks" "read_args" (global i32))"#, "1 1", ENTRY);
    assert!(matches!(activate(&global), Err(ActivationError::ImportNotFunction(_))));
}

#[test]
fn imports_must_have_the_exact_signature() {
    let wat = program_wat(r#"(import "vm_hooks" "storage_load_bytes32" (func (param i32)))"#, "1 1", ENTRY);
    assert_eq!(
        rejection(&wat),
        "import vm_hooks.storage_load_bytes32 has signature (i32) -> (), expected (i32, i32) -> ()"
    );
    let result = program_wat(r#"(import "vm_hooks" "block_number" (func (result i32)))"#, "1 1", ENTRY);
    assert_eq!(rejection(&result), "import vm_hooks.block_number has signature () -> (i32), expected () -> (i64)");
}

#[test]
fn reserved_export_names_are_rejected() {
    let wat = r#"(module (memory (export "memory") 1 1) (global (export "stylus_ink_left") i64 (i64.const 0))
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert_eq!(rejection(wat), "export name stylus_ink_left is reserved by the Stylus instrumentation");
}

#[test]
fn at_most_128_pages() {
    assert!(activate(&program_wat("", "128 128", ENTRY)).is_ok());
    assert_eq!(rejection(&program_wat("", "129 129", ENTRY)), "memory of 129 pages exceeds the limit of 128 pages");
    // With pages already open in the transaction, the limit is what is left.
    let params = StylusParams { page_limit: 10, ..StylusParams::default() };
    let error = activate_wasm(&wasm(&program_wat("", "11 11", ENTRY)), B256::ZERO, &params).unwrap_err();
    assert_eq!(error.to_string(), "memory of 11 pages exceeds the limit of 10 pages");
}

#[test]
fn growable_memory_needs_pay_for_memory_grow() {
    let message = rejection(&program_wat("", "1 2", ENTRY));
    assert!(message.contains("vm_hooks.pay_for_memory_grow (i32) -> () must be imported"), "{message}");
    assert!(matches!(activate(&program_wat("", "1", ENTRY)), Err(ActivationError::MissingPayForMemoryGrow)));
    let paying = program_wat(r#"(import "vm_hooks" "pay_for_memory_grow" (func (param i32)))"#, "1", ENTRY);
    assert!(activate(&paying).is_ok());
}

#[test]
fn unknown_sections_and_non_constant_initializers_are_rejected() {
    let extended = r#"(module (memory (export "memory") 1 1) (global i32 (i32.add (i32.const 1) (i32.const 2)))
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(activate(extended).is_err(), "extended-const is disabled");
    let mut bytes = wasm(&program_wat("", "1 1", ENTRY));
    bytes.extend_from_slice(&[0x20, 0x00]); // section id 32 does not exist
    assert!(matches!(
        activate_wasm(&bytes, B256::ZERO, &StylusParams::default()),
        Err(ActivationError::InvalidWasm(_))
    ));
}

/// A module calling through its table, written byte by byte so the `call_indirect` table
/// index can be encoded as recent rustc does: a padded 5-byte LEB (stylus-semantics §8).
fn call_indirect_module(table_index: &[u8]) -> Vec<u8> {
    let mut body = vec![0x00, 0x20, 0x00, 0x20, 0x00, 0x11, 0x00];
    body.extend_from_slice(table_index);
    body.push(0x0b);
    let mut code = vec![0x01, body.len() as u8];
    code.extend(body);
    let mut module = b"\0asm\x01\0\0\0".to_vec();
    module.extend([0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f]); // type (i32) -> i32
    module.extend([0x03, 0x02, 0x01, 0x00]); // one function
    module.extend([0x04, 0x04, 0x01, 0x70, 0x00, 0x01]); // funcref table, 1 entry
    module.extend([0x05, 0x04, 0x01, 0x01, 0x01, 0x01]); // memory 1..1
    module.extend([0x07, 0x1c, 0x02, 0x0f]);
    module.extend(b"user_entrypoint\x00\x00\x06memory\x02\x00");
    module.extend([0x0a, code.len() as u8]);
    module.extend(code);
    module
}

#[test]
fn padded_call_indirect_table_index_is_rejected() {
    let params = StylusParams::default();
    assert!(activate_wasm(&call_indirect_module(&[0x00]), B256::ZERO, &params).is_ok());
    let error = activate_wasm(&call_indirect_module(&[0x80, 0x80, 0x80, 0x80, 0x00]), B256::ZERO, &params).unwrap_err();
    assert!(error.to_string().contains("zero byte expected"), "{error}");
}

#[test]
fn dictionary_1_is_unknown() {
    let mut code = encode_program(&wasm(&program_wat("", "1 1", ENTRY)));
    code[3] = 1;
    let error = decode_program(&code, 128 * 1024).unwrap_err();
    assert_eq!(error, ProgramError::UnknownDictionary(1));
    assert!(error.to_string().starts_with("unknown Stylus dictionary 1"));
    let mut world = world_with(PROGRAM, &[]);
    world.state_mut().set_code(PROGRAM, &code);
    assert_eq!(world.activate_program(PROGRAM), Err(ActivationError::Code(ProgramError::UnknownDictionary(1))));
}

#[test]
fn a_memory_bomb_stops_at_max_wasm_size() {
    // 8 MiB of zeros compress to a few dozen bytes.
    let code = encode_program(&vec![0u8; 8 << 20]);
    assert!(code.len() < 1_000, "{} bytes", code.len());
    let started = std::time::Instant::now();
    assert_eq!(decode_program(&code, 128 * 1024), Err(ProgramError::WasmTooLarge { limit: 128 * 1024 }));
    assert!(started.elapsed().as_secs() < 5);
}

/// A program whose compressed code is over 24 KiB (incompressible data): CREATE cannot deploy
/// it (the EVM's code size limit), but activation and calls only bound the decompressed size,
/// as in nitro, so placed with `setState` it activates and runs.
#[test]
fn compressed_code_over_24_kib_cannot_be_created_but_activates() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/wasm/generated/incompressible-data.wasm");
    let program = std::fs::read(path).unwrap();
    let code = encode_program(&program);
    assert!(code.len() > MAX_CODE_SIZE, "{} bytes", code.len());
    assert_eq!(decode_program(&code, 128 * 1024).as_deref(), Ok(&program[..]));

    let mut world = world_with(PROGRAM, &program);
    world.activate_program(PROGRAM).expect("activation has no compressed size limit");
    let deploy = TxRequest { from: ALICE, data: world_mock::deployment_code(&code).into(), ..Default::default() };
    let outcome = world.execute(&deploy, Commit::Yes).expect("the transaction runs");
    assert_eq!(outcome.status, TxStatus::Failure, "{outcome:?}");
    assert!(outcome.halt_reason.as_deref().unwrap_or_default().contains("CreateContractSizeLimit"), "{outcome:?}");
}

#[test]
fn random_bytes_never_panic_activation() {
    let base = wasm(&program_wat("", "1 1", "local.get 0 i32.const 3 i32.add"));
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for round in 0..2_000 {
        let mut bytes = base.clone();
        for _ in 0..=(round % 4) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed as usize) % bytes.len();
            bytes[at] = (seed >> 32) as u8;
        }
        let _ = activate_wasm(&bytes, B256::ZERO, &StylusParams::default());
        let _ = activate_wasm(&bytes[..(seed as usize) % bytes.len()], B256::ZERO, &StylusParams::default());
    }
}

/// Two functions, one global, 5 data bytes, 2 element entries, 2 pages; counted by hand.
const SMALL: &str = r#"(module
    (import "vm_hooks" "read_args" (func $read_args (param i32)))
    (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
    (memory (export "memory") 2 2)
    (global $g (mut i32) (i32.const 0))
    (table 2 funcref)
    (elem (i32.const 0) $helper $main)
    (data (i32.const 0) "hello")
    (func $helper (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
    (func $main (export "user_entrypoint") (param i32) (result i32)
        local.get 0 call $read_args
        i32.const 0 i32.const 5 call $write_result
        i32.const 0))"#;

#[test]
fn exact_outputs_of_a_small_module() {
    let bytes = wasm(SMALL);
    let codehash = B256::repeat_byte(0xC0);
    let info = activate_wasm(&bytes, codehash, &StylusParams::default()).expect("activates");

    // Counted by hand from SMALL.
    let wasm_len = bytes.len() as u64;
    let functions = 2; // $helper, $main (imports do not count)
    let type_len = (2 + 1) + (1 + 1); // (i32 i32) -> i32, (i32) -> i32
    let globals = 1 + 4; // $g + ink left, ink status, scratch, stack left
    let (data_bytes, element_entries) = (5, 2); // "hello", $helper $main
    // Encoded segments, as nitro measures them (wasmparser's `range`):
    // data: flags 00, i32.const 0 (41 00), end (0b), length 05, "hello" = 10 bytes;
    // elem: flags 00, i32.const 0 (41 00), end (0b), count 02, indices 02 03 = 7 bytes.
    let (data_segments_len, element_segments_len) = (10, 7);
    let data_len = data_segments_len + element_segments_len;
    let footprint = 2;
    // $helper: 4 ops (get get add end), 1 block (end); $main: 7 ops, 3 blocks (call call end).
    // Each: + 12 per block + 12 entry check + 1 appended return + 4 before it.
    let opcodes = 4 + 7;
    let instrumented = (4 + 12 + 17) + (7 + 3 * 12 + 17);
    assert_eq!(
        info.stats,
        ModuleStats {
            wasm_len,
            functions,
            type_len,
            globals,
            data_bytes,
            element_entries,
            data_segments_len,
            element_segments_len,
            footprint,
            opcodes,
            instrumented_opcodes: instrumented,
        }
    );

    // nitro `crates/prover/src/binary.rs::instrument` (asm estimate, cached and init costs) and
    // `crates/prover/src/programs/mod.rs::Module::activate` (activation gas: data by payload
    // bytes, elements by encoded bytes).
    let asm = 512_000 + functions * 996_829 / 1_000 + type_len * 11_416 / 1_000 + wasm_len * 62_628 / 10_000;
    let cached = functions * 13_420 / 100_000
        + type_len * 89 / 100_000
        + wasm_len * 122 / 100_000
        + globals * 1_628 / 1_000
        + data_len * 75_244 / 100_000
        + u64::from(footprint) * 5;
    let init = functions * 8_252 / 1_000 + type_len * 1_059 / 1_000 + wasm_len * 1_286 / 10_000;
    let us = wasm_len * 31_733 / 100_000
        + functions * 17_263 / 100_000
        + data_bytes * 17_376 / 100_000
        + element_segments_len * 17_376 / 100_000
        + u64::from(footprint) * 2_217
        + instrumented * 535 / 1_000;
    assert_eq!(u64::from(info.program.asm_estimate), asm);
    assert_eq!(u64::from(info.program.cached_cost), cached);
    assert_eq!(u64::from(info.program.init_cost), init);
    assert_eq!(info.program.footprint, footprint);
    assert_eq!(info.activation_gas, us * 28);
    assert_eq!(info.program.module_hash, module_hash(&bytes, codehash, 2));
    assert_ne!(info.program.module_hash, module_hash(&bytes, B256::repeat_byte(0xC1), 2));
    assert_ne!(info.program.module_hash, module_hash(&bytes, codehash, 3));
    assert_eq!(info.data_fee, DataPricer::default().update(info.program.asm_estimate, 0));
    assert_eq!(ACTIVATION_FIXED_GAS, 1_659_168);

    // Stylus version 1 folds the cached cost into the init cost.
    let v1 = StylusParams { version: 1, ..StylusParams::default() };
    assert_eq!(u64::from(activate_wasm(&bytes, codehash, &v1).unwrap().program.init_cost), init + cached);
}

/// The cached init cost's `data_len` counts encoded segments: headers, offset expressions and
/// length prefixes as well as payloads, for passive and active data and for element segments,
/// and every global (the module's and the 4 added ones) costs 1.628.
#[test]
fn cached_init_cost_counts_encoded_segments_and_globals() {
    let base = |segments: &str, globals: &str| {
        format!(
            r#"(module (memory (export "memory") 1 1) (table 300 funcref) {globals} {segments}
                 (func $f) (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
        )
    };
    let stats = |wat: &str| activate(wat).expect("activates").stats;
    let cost = |wat: &str| activate(wat).expect("activates").program.cached_cost;

    // data (i32.const 1024) with 200 bytes: flags 00 + i32.const 1024 (41 80 08) + end 0b +
    // length c8 01 + 200 = 207 bytes; passive data "ab": flags 01 + length 02 + 2 = 4 bytes.
    let data = format!(r#"(data (i32.const 1024) "{}") (data "ab")"#, "x".repeat(200));
    let with_data = base(&data, "");
    let s = stats(&with_data);
    assert_eq!((s.data_bytes, s.data_segments_len), (202, 211));
    // elem (i32.const 5) with 3 entries: 00 41 05 0b 03 00 00 00 = 8 bytes.
    let with_elems = base("(elem (i32.const 5) $f $f $f)", "");
    let s = stats(&with_elems);
    assert_eq!((s.element_entries, s.element_segments_len), (3, 8));
    // Globals: each declared one adds to the 4 the instrumentation adds.
    let with_globals =
        base("", "(global i32 (i32.const 1)) (global i64 (i64.const 2)) (global (mut i32) (i32.const 3))");
    assert_eq!(stats(&with_globals).globals, 3 + 4);

    // Every other input is the same as in the bare module except the module length, so the
    // difference in cost is the term of the feature plus the difference in the length term.
    let bare = base("", "");
    let b = stats(&bare);
    let fixed = |s: &ModuleStats| {
        s.functions * 13_420 / 100_000
            + s.type_len * 89 / 100_000
            + s.wasm_len * 122 / 100_000
            + u64::from(s.footprint) * 5
    };
    for (wat, data_len, globals) in [(&bare, 0, 4), (&with_data, 211, 4), (&with_elems, 8, 4), (&with_globals, 0, 7)] {
        let s = stats(wat);
        assert_eq!(s.functions, b.functions);
        let expected = fixed(&s) + globals * 1_628 / 1_000 + data_len * 75_244 / 100_000;
        assert_eq!(u64::from(cost(wat)), expected, "{wat}");
    }
    // 211 encoded bytes cost 158; the 202 payload bytes alone would have cost 151.
    assert_eq!(211 * 75_244 / 100_000 - 202 * 75_244 / 100_000, 7);
}

/// nitro's "element entries" limit (4096) sums encoded element segments, so 2,100 entries whose
/// function indices need two LEB bytes (index ≥ 128) exceed it.
#[test]
fn the_element_limit_counts_encoded_bytes() {
    let funcs = "(func)".repeat(130);
    let entries = |n: usize| vec!["129"; n].join(" ");
    let module = |n: usize| {
        format!(
            r#"(module (memory (export "memory") 1 1) (table 4096 funcref) {funcs}
                 (elem (i32.const 0) func {})
                 (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
            entries(n)
        )
    };
    // 2,000 entries: 00 41 00 0b + count d0 0f + 2 × 2,000 = 4,006 bytes.
    assert_eq!(activate(&module(2_000)).expect("activates").stats.element_segments_len, 4_006);
    // 2,100 entries: 4,206 bytes > 4,096.
    assert_eq!(rejection(&module(2_100)), "too many element entries: 4206 > 4096");
}

#[test]
fn data_fee_for_an_asm_estimate() {
    // exponent = 10,000 · 719,569 / 21,360,419 = 336 bips; the 12-term series gives e^0.0336 ≈
    // 1.0341 (10,341 bips, Horner by hand: 10,028 → 10,030 → … → 10,169 → 10,341).
    // Price per byte = 82,928,201 · 10,341 / 10,000 = 85,756,052 wei.
    let fee = DataPricer::default().update(719_569, 1_700_000_000);
    assert_eq!(fee, U256::from(85_756_052u64) * U256::from(719_569u64));
    // Demand decays by 34,865 bytes a second: a second activation 10 s later is priced on
    // 719,569 − 348,650 + 719,569 bytes of demand.
    let mut pricer = DataPricer::default();
    pricer.update(719_569, 1_700_000_000);
    pricer.update(719_569, 1_700_000_010);
    assert_eq!(pricer.demand, 719_569 * 2 - 348_650);
}

/// Activation remembers its analysis of a module; what it reads besides the WASM (the page
/// limit, and the ArbOS version through the WASM features) must still decide each result.
#[test]
fn remembered_analyses_follow_the_page_limit_and_arbos_version() {
    let eleven_pages = wasm(&program_wat("", "11 11", ENTRY));
    let pages = |limit: u16| {
        let params = StylusParams { page_limit: limit, ..StylusParams::default() };
        activate_wasm(&eleven_pages, B256::ZERO, &params).map(|info| info.program.footprint)
    };
    for _ in 0..2 {
        assert_eq!(pages(128), Ok(11));
        assert_eq!(pages(10).unwrap_err().to_string(), "memory of 11 pages exceeds the limit of 10 pages");
    }
    // Two results: multi-value is a WASM feature before ArbOS 60 only.
    let multi_value = wasm(
        r#"(module (memory (export "memory") 1 1)
             (func $pair (result i32 i32) i32.const 1 i32.const 2)
             (func (export "user_entrypoint") (param i32) (result i32) call $pair drop))"#,
    );
    let under = |arbos: u64| activate_wasm(&multi_value, B256::ZERO, &StylusParams::for_arbos_version(arbos)).is_ok();
    for _ in 0..2 {
        assert!(under(50));
        assert!(!under(60));
    }
}
