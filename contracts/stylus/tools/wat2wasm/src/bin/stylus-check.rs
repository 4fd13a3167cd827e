//! `stylus-check [--expect RULES] [--quiet] [--blocks] FILE.wasm...`
//!
//! Checks WASM modules against the Stylus activation rules (nitro `crates/prover/src/binary.rs`
//! `parse_with_version` + `parse_user`, the instrumentation middlewares' module checks, the
//! `vm_hooks` import table of `crates/stylus/src/native.rs`, and `wavm.rs`'s refusal of float
//! arithmetic), and reports sizes (raw and brotli quality 11 / window 22, as cargo-stylus
//! compresses), memory, imports, exports and float-priced opcodes.
//!
//! This is a fixture sanity check, not the harness's activation implementation: it reports
//! every rule a module breaks (nitro stops at the first), and it does not model the depth
//! checker's frame limits (10,240 words per frame / 4,096 operand-stack words).
//!
//! Rule ids (printed as `REJECT <rule>: <detail>`):
//!   wasm-invalid         wasmparser validation with nitro's feature set fails
//!                        (reference types, multi-memory, SIMD, threads, ... are disabled)
//!   section-unsupported  a section nitro's parser refuses (e.g. DataCount, tags, unknown ids)
//!   import-kind          an import that is not a function
//!   import-unknown       an import that is not `vm_hooks.<hook>`
//!   import-signature     a `vm_hooks` import with a different WASM signature
//!   import-inconsistent  the same module/name imported with two signatures
//!   reserved-symbol      an export (last `__` segment) or import name starting with "stylus"
//!   export-import-clash  an export whose last `__` segment equals an import name
//!   start-function       a start section
//!   memory-missing       no memory, or memory 0 not exported as "memory"
//!   memory-count         more than one memory
//!   memory-bound         initial pages > 128 (heap bound / page limit)
//!   memory-grow-import   max != min but no `vm_hooks.pay_for_memory_grow (i32)->()` import
//!   entrypoint-missing   no exported function `user_entrypoint`
//!   entrypoint-type      `user_entrypoint` is not `(i32) -> i32`
//!   opcode-unsupported   memory.init, data.drop, elem.drop or any table.* instruction
//!   float-op             float arithmetic, comparison or conversion (no soft-float for users)
//!   limit                data/element segments, exports, functions, globals, locals, opcodes,
//!                        imports (ArbOS >= 32), table/element entries, name lengths
//!   size-raw             more than 128 KiB uncompressed (MaxWasmSize)
//!   size-compressed      more than 24,576 bytes brotli-compressed (MaxCodeSize, minus the
//!                        4-byte EF F0 00 00 prefix)
//!
//! `--blocks` also lists every function's basic blocks as nitro's meter splits them, with their
//! static ink (sum of `pricing_v1` op prices + the 2450 header), to check hand computations.
//!
//! `--expect ok` (default) exits 1 unless no rule is broken; `--expect a,b` exits 1 unless the
//! set of broken rules is exactly {a, b}.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap, HashSet},
    fs,
    io::Write,
    process::ExitCode,
};

use wasmparser::{
    ExternalKind, FuncType, Operator, Parser, Payload, TypeRef, ValType, Validator, WasmFeatures,
};

/// The 42 `vm_hooks` host functions and their WASM signatures (params, results).
const HOOKS: &[(&str, &str, &str)] = &[
    ("read_args", "i32", ""),
    ("write_result", "i32 i32", ""),
    ("exit_early", "i32", ""),
    ("pay_for_memory_grow", "i32", ""),
    ("storage_load_bytes32", "i32 i32", ""),
    ("storage_cache_bytes32", "i32 i32", ""),
    ("storage_flush_cache", "i32", ""),
    ("transient_load_bytes32", "i32 i32", ""),
    ("transient_store_bytes32", "i32 i32", ""),
    ("call_contract", "i32 i32 i32 i32 i64 i32", "i32"),
    ("delegate_call_contract", "i32 i32 i32 i64 i32", "i32"),
    ("static_call_contract", "i32 i32 i32 i64 i32", "i32"),
    ("create1", "i32 i32 i32 i32 i32", ""),
    ("create2", "i32 i32 i32 i32 i32 i32", ""),
    ("read_return_data", "i32 i32 i32", "i32"),
    ("return_data_size", "", "i32"),
    ("emit_log", "i32 i32 i32", ""),
    ("native_keccak256", "i32 i32 i32", ""),
    ("account_balance", "i32 i32", ""),
    ("account_codehash", "i32 i32", ""),
    ("account_code", "i32 i32 i32 i32", "i32"),
    ("account_code_size", "i32", "i32"),
    ("block_basefee", "i32", ""),
    ("block_coinbase", "i32", ""),
    ("contract_address", "i32", ""),
    ("tx_gas_price", "i32", ""),
    ("tx_origin", "i32", ""),
    ("msg_sender", "i32", ""),
    ("msg_value", "i32", ""),
    ("msg_reentrant", "", "i32"),
    ("tx_ink_price", "", "i32"),
    ("block_gas_limit", "", "i64"),
    ("block_number", "", "i64"),
    ("block_timestamp", "", "i64"),
    ("chainid", "", "i64"),
    ("evm_gas_left", "", "i64"),
    ("evm_ink_left", "", "i64"),
    ("math_div", "i32 i32", ""),
    ("math_mod", "i32 i32", ""),
    ("math_pow", "i32 i32", ""),
    ("math_add_mod", "i32 i32 i32", ""),
    ("math_mul_mod", "i32 i32 i32", ""),
];

const HEAP_BOUND_PAGES: u64 = 128;
const MAX_WASM_SIZE: usize = 128 * 1024;
const MAX_CODE_SIZE: usize = 24_576;
const STYLUS_PREFIX_LEN: usize = 4;

/// nitro's validation feature set (ArbOS < 60: multi-value allowed).
fn stylus_features() -> WasmFeatures {
    let mut f = WasmFeatures::empty();
    for flag in [
        WasmFeatures::MUTABLE_GLOBAL,
        WasmFeatures::SATURATING_FLOAT_TO_INT,
        WasmFeatures::SIGN_EXTENSION,
        WasmFeatures::MULTI_VALUE,
        WasmFeatures::BULK_MEMORY,
        WasmFeatures::FLOATS,
        WasmFeatures::GC_TYPES,
    ] {
        f.insert(flag);
    }
    f
}

fn fmt_types(tys: &[ValType]) -> String {
    tys.iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn fmt_sig(ty: &FuncType) -> String {
    format!(
        "({}) -> ({})",
        fmt_types(ty.params()),
        fmt_types(ty.results())
    )
}

fn is_float_op(name: &str) -> bool {
    const ALLOWED: &[&str] = &[
        "F32Load",
        "F64Load",
        "F32Store",
        "F64Store",
        "F32Const",
        "F64Const",
        "F32ReinterpretI32",
        "F64ReinterpretI64",
    ];
    (name.starts_with("F32") || name.starts_with("F64")) && !ALLOWED.contains(&name)
        || ["I32TruncF", "I64TruncF", "I32TruncSatF", "I64TruncSatF"]
            .iter()
            .any(|p| name.starts_with(p))
}

/// Activates, but priced at u64::MAX ink: any block containing one runs out of ink.
fn is_float_priced(name: &str) -> bool {
    matches!(
        name,
        "F32Load"
            | "F64Load"
            | "F32Store"
            | "F64Store"
            | "F32Const"
            | "F64Const"
            | "F32ReinterpretI32"
            | "F64ReinterpretI64"
            | "I32ReinterpretF32"
            | "I64ReinterpretF64"
    )
}

fn is_unsupported_op(name: &str) -> bool {
    matches!(
        name,
        "MemoryInit"
            | "DataDrop"
            | "ElemDrop"
            | "TableInit"
            | "TableCopy"
            | "TableFill"
            | "TableGet"
            | "TableSet"
            | "TableGrow"
            | "TableSize"
    )
}

/// nitro `pricing_v1` (crates/prover/src/programs/meter.rs), by wasmparser operator name.
/// `None` = priced u64::MAX (floats, SIMD, atomics, reference/table/exception/GC ops, ...).
fn ink_price(op: &Operator<'_>, name: &str, type_params: &dyn Fn(u32) -> u64) -> Option<u64> {
    Some(match name {
        "Unreachable" | "Return" | "Nop" | "I32Const" | "I64Const" => 1,
        "Drop" => 9,
        "Block" | "Loop" | "Else" | "End" => 1,
        "Br" | "BrIf" | "If" => 765,
        "Select" => 1250,
        "Call" => 3800,
        "LocalGet" | "LocalTee" => 75,
        "LocalSet" => 210,
        "GlobalGet" => 225,
        "GlobalSet" => 575,
        "I32Load" | "I32Load8S" | "I32Load8U" | "I32Load16S" | "I32Load16U" => 670,
        "I64Load" | "I64Load8S" | "I64Load8U" | "I64Load16S" | "I64Load16U" | "I64Load32S"
        | "I64Load32U" => 680,
        "I32Store" | "I32Store8" | "I32Store16" => 825,
        "I64Store" | "I64Store8" | "I64Store16" | "I64Store32" => 950,
        "MemorySize" => 3000,
        "MemoryGrow" => 8050,
        "I32Eqz" | "I32Eq" | "I32Ne" | "I32LtS" | "I32LtU" | "I32GtS" | "I32GtU" | "I32LeS"
        | "I32LeU" | "I32GeS" | "I32GeU" => 170,
        "I64Eqz" | "I64Eq" | "I64Ne" | "I64LtS" | "I64LtU" | "I64GtS" | "I64GtU" | "I64LeS"
        | "I64LeU" | "I64GeS" | "I64GeU" => 225,
        "I32Clz" | "I32Ctz" | "I64Clz" | "I64Ctz" => 210,
        "I32Add" | "I32Sub" => 70,
        "I32Mul" | "I64Mul" => 160,
        "I32DivS" | "I32DivU" | "I32RemS" | "I32RemU" => 1120,
        "I32And" | "I32Or" | "I32Xor" | "I32Shl" | "I32ShrS" | "I32ShrU" | "I32Rotl"
        | "I32Rotr" => 70,
        "I64Add" | "I64Sub" => 100,
        "I64DivS" | "I64DivU" | "I64RemS" | "I64RemU" => 1270,
        "I64And" | "I64Or" | "I64Xor" | "I64Shl" | "I64ShrS" | "I64ShrU" | "I64Rotl"
        | "I64Rotr" => 100,
        "I32Popcnt" => 2650,
        "I64Popcnt" => 6000,
        "I32WrapI64" | "I64ExtendI32S" | "I64ExtendI32U" | "I32Extend8S" | "I32Extend16S"
        | "I64Extend8S" | "I64Extend16S" | "I64Extend32S" => 100,
        "MemoryCopy" | "MemoryFill" => 950,
        _ => match op {
            Operator::BrTable { targets } => 2400 + 325 * u64::from(targets.len()),
            Operator::CallIndirect { type_index, .. } => 13610 + 650 * type_params(*type_index),
            _ => return None,
        },
    })
}

/// nitro `OperatorInfo::ends_basic_block` (crates/arbutil/src/operator.rs).
fn ends_basic_block(name: &str) -> bool {
    matches!(
        name,
        "End"
            | "Else"
            | "Return"
            | "Loop"
            | "Br"
            | "BrTable"
            | "BrIf"
            | "If"
            | "Call"
            | "CallIndirect"
    )
}

fn op_name(op: &Operator<'_>) -> String {
    let dbg = format!("{op:?}");
    dbg.split([' ', '{', '(']).next().unwrap_or("").to_string()
}

#[derive(Default)]
struct Report {
    violations: Vec<(&'static str, String)>,
    info: Vec<String>,
    /// Per-function basic blocks with their static ink (printed with `--blocks`).
    blocks: Vec<String>,
}

impl Report {
    fn reject(&mut self, rule: &'static str, detail: impl Into<String>) {
        self.violations.push((rule, detail.into()));
    }
    fn rules(&self) -> BTreeSet<&'static str> {
        self.violations.iter().map(|(r, _)| *r).collect()
    }
}

fn brotli_len(wasm: &[u8]) -> usize {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(wasm).expect("in-memory brotli");
    }
    out.len()
}

fn check(wasm: &[u8]) -> Report {
    let mut r = Report::default();
    let hooks: HashMap<&str, (&str, &str)> = HOOKS.iter().map(|(n, p, q)| (*n, (*p, *q))).collect();

    let raw = wasm.len();
    let compressed = brotli_len(wasm);
    r.info.push(format!(
        "size: {raw} bytes raw, {compressed} bytes brotli (q11 w22), {} bytes as deployed code",
        compressed + STYLUS_PREFIX_LEN
    ));
    if raw > MAX_WASM_SIZE {
        r.reject("size-raw", format!("{raw} > {MAX_WASM_SIZE}"));
    }
    if compressed + STYLUS_PREFIX_LEN > MAX_CODE_SIZE {
        r.reject(
            "size-compressed",
            format!("{} > {MAX_CODE_SIZE}", compressed + STYLUS_PREFIX_LEN),
        );
    }

    if let Err(e) = Validator::new_with_features(stylus_features()).validate_all(wasm) {
        r.reject("wasm-invalid", e.to_string());
    }

    let mut types: Vec<Option<FuncType>> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new(); // all functions (imports first)
    let mut imports: Vec<(String, String, Option<u32>)> = Vec::new();
    let mut exports: BTreeMap<String, (ExternalKind, u32)> = BTreeMap::new();
    let mut memories: Vec<(u64, Option<u64>)> = Vec::new();
    let mut start = false;
    let mut n_datas = 0usize;
    let mut data_len = 0u64; // byte ranges of data + element segment entries, as nitro sums them
    let mut local_funcs: Vec<u32> = Vec::new();
    let mut n_elems = 0usize;
    let mut elem_entries = 0usize;
    let mut table_entries = 0u64;
    let mut n_globals = 0usize;
    let mut n_codes = 0usize;
    let mut customs = Vec::new();
    let mut module_name = String::new();
    let mut float_priced: BTreeMap<String, usize> = BTreeMap::new();
    let mut float_ops: BTreeMap<String, usize> = BTreeMap::new();
    let mut unsupported: BTreeMap<String, usize> = BTreeMap::new();
    let mut memory_grows = 0usize;

    for payload in Parser::new(0).parse_all(wasm) {
        let payload = match payload {
            Ok(p) => p,
            Err(e) => {
                r.reject("wasm-invalid", format!("parse: {e}"));
                break;
            }
        };
        let res: Result<(), wasmparser::BinaryReaderError> = (|| {
            match payload {
                Payload::Version { num, .. } => {
                    if num != 1 {
                        r.reject("section-unsupported", format!("wasm version {num}"));
                    }
                }
                Payload::TypeSection(s) => {
                    for rec in s {
                        for sub in rec?.into_types() {
                            match &sub.composite_type.inner {
                                wasmparser::CompositeInnerType::Func(f) => {
                                    types.push(Some(f.clone()))
                                }
                                _ => types.push(None),
                            }
                        }
                    }
                }
                Payload::ImportSection(s) => {
                    for imp in s.into_imports() {
                        let imp = imp?;
                        let ty = match imp.ty {
                            TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                                func_types.push(t);
                                Some(t)
                            }
                            other => {
                                r.reject(
                                    "import-kind",
                                    format!("{}.{} is a {other:?}", imp.module, imp.name),
                                );
                                None
                            }
                        };
                        imports.push((imp.module.to_string(), imp.name.to_string(), ty));
                    }
                }
                Payload::FunctionSection(s) => {
                    for f in s {
                        let f = f?;
                        func_types.push(f);
                        local_funcs.push(f);
                    }
                }
                Payload::TableSection(s) => {
                    for t in s {
                        table_entries += t?.ty.initial;
                    }
                }
                Payload::MemorySection(s) => {
                    for m in s {
                        let m = m?;
                        memories.push((m.initial, m.maximum));
                    }
                }
                Payload::GlobalSection(s) => n_globals += s.count() as usize,
                Payload::ExportSection(s) => {
                    for e in s {
                        let e = e?;
                        exports.insert(e.name.to_string(), (e.kind, e.index));
                    }
                }
                Payload::StartSection { .. } => start = true,
                Payload::ElementSection(s) => {
                    for e in s {
                        let e = e?;
                        n_elems += 1;
                        data_len += e.range.len() as u64;
                        elem_entries += match e.items {
                            wasmparser::ElementItems::Functions(f) => f.count() as usize,
                            wasmparser::ElementItems::Expressions(_, x) => x.count() as usize,
                        };
                    }
                }
                Payload::DataSection(s) => {
                    for d in s {
                        n_datas += 1;
                        data_len += d?.range.len() as u64;
                    }
                }
                Payload::CodeSectionStart { .. } => {}
                Payload::CodeSectionEntry(body) => {
                    n_codes += 1;
                    let mut locals = 0u64;
                    for l in body.get_locals_reader()? {
                        locals += u64::from(l?.0);
                    }
                    if locals > 348 {
                        r.reject(
                            "limit",
                            format!("function {n_codes}: {locals} locals > 348"),
                        );
                    }
                    let mut count = 0usize;
                    let mut ops = body.get_operators_reader()?;
                    let mut block_ops: Vec<String> = Vec::new();
                    let mut block_cost: Option<u64> = Some(0);
                    let mut listing = Vec::new();
                    let type_params = |t: u32| {
                        types
                            .get(t as usize)
                            .cloned()
                            .flatten()
                            .map_or(0, |f| f.params().len() as u64)
                    };
                    while !ops.eof() {
                        let op = ops.read()?;
                        count += 1;
                        let name = op_name(&op);
                        let price = ink_price(&op, &name, &type_params);
                        block_cost = block_cost.zip(price).map(|(a, b)| a + b);
                        block_ops.push(match price {
                            Some(p) => format!("{name} {p}"),
                            None => format!("{name} MAX"),
                        });
                        if ends_basic_block(&name) {
                            let total = block_cost
                                .map(|c| format!("{} + 2450 = {}", c, c + 2450))
                                .unwrap_or_else(|| "u64::MAX (always out of ink)".into());
                            listing.push(format!(
                                "    block {}: {} => {total}",
                                listing.len() + 1,
                                block_ops.join(", ")
                            ));
                            block_ops.clear();
                            block_cost = Some(0);
                        }
                        if name == "MemoryGrow" {
                            memory_grows += 1;
                        }
                        if is_float_op(&name) {
                            *float_ops.entry(name).or_default() += 1;
                        } else if is_float_priced(&name) {
                            *float_priced.entry(name).or_default() += 1;
                        } else if is_unsupported_op(&name) {
                            *unsupported.entry(name).or_default() += 1;
                        }
                    }
                    if count > 65536 {
                        r.reject(
                            "limit",
                            format!("function {n_codes}: {count} opcodes > 65536"),
                        );
                    }
                    let index = imports.len() + n_codes - 1;
                    let export = exports
                        .iter()
                        .find(|(_, (k, i))| *k == ExternalKind::Func && *i as usize == index)
                        .map(|(n, _)| format!(" (export \"{n}\")"))
                        .unwrap_or_default();
                    r.blocks.push(format!(
                        "  func {index}{export}: {} basic blocks",
                        listing.len()
                    ));
                    r.blocks.extend(listing);
                }
                Payload::CustomSection(c) => {
                    customs.push(c.name().to_string());
                    if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                        for n in names {
                            if let Ok(wasmparser::Name::Module { name, .. }) = n {
                                module_name = name.to_string();
                            }
                        }
                    }
                }
                Payload::End(_) => {}
                other => {
                    let what = format!("{other:?}");
                    let what = what
                        .split([' ', '{', '('])
                        .next()
                        .unwrap_or("?")
                        .to_string();
                    r.reject(
                        "section-unsupported",
                        format!("nitro's parser refuses {what}"),
                    );
                }
            }
            Ok(())
        })();
        if let Err(e) = res {
            r.reject("wasm-invalid", format!("parse: {e}"));
            break;
        }
    }

    // Imports: known hooks with exact signatures, consistent, not reserved.
    let mut seen: HashMap<(String, String), u32> = HashMap::new();
    let mut import_lines = Vec::new();
    for (module, name, ty) in &imports {
        let Some(ty) = ty else { continue };
        let sig = types.get(*ty as usize).cloned().flatten();
        let sig_str = sig.as_ref().map(fmt_sig).unwrap_or_else(|| "?".into());
        import_lines.push(format!("{module}.{name} {sig_str}"));
        if let Some(prior) = seen.insert((module.clone(), name.clone()), *ty) {
            if prior != *ty {
                r.reject("import-inconsistent", format!("{module}.{name}"));
            }
        }
        if module != "vm_hooks" || !hooks.contains_key(name.as_str()) {
            r.reject("import-unknown", format!("{module}.{name}"));
            continue;
        }
        let (want_p, want_r) = hooks[name.as_str()];
        if let Some(sig) = &sig {
            if fmt_types(sig.params()) != want_p || fmt_types(sig.results()) != want_r {
                r.reject(
                    "import-signature",
                    format!("{module}.{name} is {sig_str}, nitro expects ({want_p}) -> ({want_r})"),
                );
            }
        }
    }
    if imports.len() > 513 {
        r.reject("limit", format!("{} imports > 513", imports.len()));
    }

    // Exports: reserved names and clashes with import names (nitro splits on "__").
    let import_names: HashSet<&str> = imports.iter().map(|(_, n, _)| n.as_str()).collect();
    for name in exports.keys() {
        let last = name.rsplit("__").next().unwrap_or(name);
        if last.starts_with("stylus") {
            r.reject("reserved-symbol", format!("export {name}"));
        }
        if import_names.contains(last) {
            r.reject("export-import-clash", format!("export {name}"));
        }
        if name.len() > 512 {
            r.reject(
                "limit",
                format!("export name of {} bytes > 512", name.len()),
            );
        }
    }
    for (_, name, _) in &imports {
        if name.starts_with("stylus") {
            r.reject("reserved-symbol", format!("import {name}"));
        }
    }
    if module_name.len() > 512 {
        r.reject(
            "limit",
            format!("module name of {} bytes > 512", module_name.len()),
        );
    }
    if start {
        r.reject("start-function", "wasm start functions not allowed");
    }

    // Memory.
    match memories.as_slice() {
        [] => r.reject("memory-missing", "no memory"),
        [(min, max)] => {
            if exports.get("memory") != Some(&(ExternalKind::Memory, 0)) {
                r.reject("memory-missing", "memory 0 is not exported as \"memory\"");
            }
            if *min > HEAP_BOUND_PAGES {
                r.reject(
                    "memory-bound",
                    format!("{min} initial pages > {HEAP_BOUND_PAGES}"),
                );
            }
            let pay = imports.iter().any(|(m, n, ty)| {
                m == "vm_hooks"
                    && n == "pay_for_memory_grow"
                    && ty
                        .and_then(|t| types.get(t as usize).cloned().flatten())
                        .is_some_and(|s| fmt_types(s.params()) == "i32" && s.results().is_empty())
            });
            if *max != Some(*min) && !pay {
                r.reject(
                    "memory-grow-import",
                    format!(
                        "memory min {min}, max {max:?} (not equal) and no vm_hooks.pay_for_memory_grow (i32)->() import"
                    ),
                );
            }
            r.info.push(format!(
                "memory: {min} initial pages (footprint), max {}; {memory_grows} memory.grow",
                max.map(|m| m.to_string()).unwrap_or_else(|| "none".into())
            ));
        }
        more => r.reject("memory-count", format!("{} memories", more.len())),
    }

    // Entrypoint.
    match exports.get("user_entrypoint") {
        Some((ExternalKind::Func, idx)) => {
            let sig = func_types
                .get(*idx as usize)
                .and_then(|t| types.get(*t as usize).cloned().flatten());
            match sig {
                Some(s) if fmt_types(s.params()) == "i32" && fmt_types(s.results()) == "i32" => {}
                Some(s) => r.reject(
                    "entrypoint-type",
                    format!("user_entrypoint is {}", fmt_sig(&s)),
                ),
                None => r.reject("entrypoint-type", "user_entrypoint has no function type"),
            }
        }
        Some((kind, _)) => r.reject(
            "entrypoint-missing",
            format!("user_entrypoint is a {kind:?}"),
        ),
        None => r.reject("entrypoint-missing", "no export user_entrypoint"),
    }

    // Opcodes.
    for (name, n) in &unsupported {
        r.reject("opcode-unsupported", format!("{name} x{n}"));
    }
    for (name, n) in &float_ops {
        r.reject("float-op", format!("{name} x{n}"));
    }

    // Limits.
    for (what, n, max) in [
        ("data segments", n_datas, 128usize),
        ("element segments", n_elems, 128),
        ("exports", exports.len(), 1024),
        ("functions", n_codes, 4096),
        ("globals", n_globals, 32768 - 4),
        ("element entries", elem_entries, 4096),
    ] {
        if n > max {
            r.reject("limit", format!("{n} {what} > {max}"));
        }
    }
    if table_entries > 4096 {
        r.reject("limit", format!("{table_entries} table entries > 4096"));
    }

    // Activation outputs (nitro binary.rs `instrument`, stylus-semantics.md §1.5; Stylus v2).
    let funcs = n_codes as u64;
    let type_len: u64 = local_funcs
        .iter()
        .filter_map(|t| types.get(*t as usize).cloned().flatten())
        .map(|f| (f.params().len() + f.results().len()) as u64)
        .sum();
    let wasm_len = raw as u64;
    let globals = n_globals as u64 + 4; // + ink_left, ink_status, scratch, stack_left
    let footprint = memories.first().map_or(0, |m| m.0);
    let asm_estimate =
        512_000 + funcs * 996_829 / 1000 + type_len * 11_416 / 1000 + wasm_len * 62_628 / 10_000;
    let cached_init = funcs * 13_420 / 100_000
        + type_len * 89 / 100_000
        + wasm_len * 122 / 100_000
        + globals * 1628 / 1000
        + data_len * 75_244 / 100_000
        + footprint * 5;
    let init = funcs * 8252 / 1000 + type_len * 1059 / 1000 + wasm_len * 1286 / 10_000;
    r.info.push(format!(
        "activation (v2): footprint {footprint}, init_cost {init}, cached_init_cost {cached_init}, asm_estimate {asm_estimate} \
         (funcs {funcs}, type_len {type_len}, globals {globals}, data_len {data_len})"
    ));
    if init > u64::from(u16::MAX) || cached_init > u64::from(u16::MAX) {
        r.reject(
            "limit",
            format!("init cost {init} / cached cost {cached_init} overflow u16"),
        );
    }
    r.info.push(format!(
        "functions: {n_codes} defined + {} imported; globals {n_globals}; data segments {n_datas}; element entries {elem_entries}",
        imports.len()
    ));
    r.info.push(format!("imports ({}):", import_lines.len()));
    for l in import_lines {
        r.info.push(format!("  {l}"));
    }
    r.info.push(format!(
        "exports: {}",
        exports
            .iter()
            .map(|(n, (k, _))| format!("{n} ({k:?})"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    r.info.push(format!(
        "custom sections: {}",
        if customs.is_empty() {
            "none".to_string()
        } else {
            customs.join(", ")
        }
    ));
    if !float_priced.is_empty() {
        r.info.push(format!(
            "float-priced opcodes (activate, but any block holding one runs out of ink): {}",
            float_priced
                .iter()
                .map(|(n, c)| format!("{n} x{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    r
}

fn main() -> ExitCode {
    let mut expect: BTreeSet<String> = BTreeSet::new();
    let mut quiet = false;
    let mut blocks = false;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--expect" => {
                let v = args.next().unwrap_or_default();
                expect = v
                    .split(',')
                    .filter(|s| !s.is_empty() && *s != "ok")
                    .map(String::from)
                    .collect();
            }
            "--quiet" | "-q" => quiet = true,
            "--blocks" => blocks = true,
            "-h" | "--help" => {
                println!("usage: stylus-check [--expect ok|RULE[,RULE...]] [--quiet] [--blocks] FILE.wasm...");
                return ExitCode::SUCCESS;
            }
            _ => files.push(a),
        }
    }
    let mut failed = false;
    for f in &files {
        let wasm = match fs::read(f) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("stylus-check: {f}: {e}");
                failed = true;
                continue;
            }
        };
        let r = check(&wasm);
        let got: BTreeSet<String> = r.rules().into_iter().map(String::from).collect();
        let ok = got == expect;
        let verdict = if got.is_empty() {
            "activates".to_string()
        } else {
            format!(
                "rejected [{}]",
                got.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        };
        let want = if expect.is_empty() {
            "activates".to_string()
        } else {
            format!(
                "rejected [{}]",
                expect.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        };
        if ok {
            println!("{f}: {verdict} (as expected)");
        } else {
            println!("{f}: {verdict} -- EXPECTED {want}");
            failed = true;
        }
        for (rule, detail) in &r.violations {
            println!("  REJECT {rule}: {detail}");
        }
        if !quiet {
            for l in &r.info {
                println!("  {l}");
            }
        }
        if blocks {
            println!("  static ink per basic block (pricing_v1 + 2450 header; no hostio costs):");
            for l in &r.blocks {
                println!("  {l}");
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
