//! Parsing and module-level validation (stylus-semantics §1.3): wasmparser with nitro's
//! feature set, then Stylus's own rules on imports, exports, memory and limits.

use wasmparser::{
    ConstExpr, DataKind, ElementItems, ElementKind, ExternalKind, FuncValidatorAllocations, FunctionBody, Operator,
    Parser, Payload, TypeRef, ValidPayload, Validator, WasmFeatures,
};

use super::hostio::{VM_HOOKS_MODULE, ValType, format_signature, hook_signature};
use super::ops::{Arity, analyze_body};
use super::{ActivationError, ModuleStats};

/// Largest memory a program may declare: 128 pages (8 MiB).
pub(super) const HEAP_BOUND: u16 = 128;
/// Globals the instrumentation adds: ink left, ink status, scratch, stack left.
const ADDED_GLOBALS: u64 = 4;
const RESERVED_EXPORTS: [&str; 4] =
    ["stylus_ink_left", "stylus_ink_status", "stylus_scratch_global", "stylus_stack_left"];
const MAX_NAME: usize = 512;

/// The features nitro enables: MVP, mutable globals, saturating float→int, sign extension, bulk
/// memory, and multi-value before ArbOS 60. Reference types (and so the padded `call_indirect`
/// table index of recent rustc output), SIMD, threads and everything newer are off.
pub(super) fn features(arbos_version: u64) -> WasmFeatures {
    let mut features = WasmFeatures::MVP
        | WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY;
    if arbos_version < 60 {
        features |= WasmFeatures::MULTI_VALUE;
    }
    features
}

#[derive(Default)]
struct Facts<'a> {
    types: Vec<(Vec<wasmparser::ValType>, Vec<wasmparser::ValType>)>,
    funcs: Vec<u32>,
    imports: u64,
    imported_funcs: u32,
    pays_for_growth: bool,
    memory: Option<(u64, Option<u64>)>,
    globals: u64,
    exports: Vec<(&'a str, ExternalKind, u32)>,
    table_entries: u64,
    element_segments: u64,
    element_entries: u64,
    element_segments_len: u64,
    data_segments: u64,
    data_bytes: u64,
    data_segments_len: u64,
    bodies: Vec<FunctionBody<'a>>,
}

fn invalid(error: wasmparser::BinaryReaderError) -> ActivationError {
    ActivationError::InvalidWasm(error.to_string())
}

fn limit(what: &'static str, count: u64, limit: u64) -> Result<(), ActivationError> {
    if count > limit { Err(ActivationError::Limit { what, count, limit }) } else { Ok(()) }
}

/// Validates `wasm` and counts what the cost formulas need.
pub(super) fn analyze(wasm: &[u8], arbos_version: u64, page_limit: u16) -> Result<ModuleStats, ActivationError> {
    let features = features(arbos_version);
    let mut validator = Validator::new_with_features(features);
    let mut parser = Parser::new(0);
    parser.set_features(features);
    let mut facts = Facts::default();
    let mut allocations = FuncValidatorAllocations::default();
    for payload in parser.parse_all(wasm) {
        let payload = payload.map_err(invalid)?;
        if let ValidPayload::Func(func, body) = validator.payload(&payload).map_err(invalid)? {
            let mut func = func.into_validator(std::mem::take(&mut allocations));
            func.validate(&body).map_err(invalid)?;
            allocations = func.into_allocations();
            facts.bodies.push(body);
        }
        collect(&mut facts, payload, arbos_version)?;
    }
    check_module(&facts, page_limit)?;

    let types: Vec<Arity> = facts.types.iter().map(|(p, r)| (p.len() as u32, r.len() as u32)).collect();
    // HeapBound instruments `memory.grow` only when the memory can grow.
    let pays = facts.pays_for_growth && facts.memory.is_some_and(|(initial, maximum)| maximum != Some(initial));
    let (mut opcodes, mut instrumented_opcodes) = (0u64, 0u64);
    for (i, body) in facts.bodies.iter().enumerate() {
        let func = facts.imported_funcs.saturating_add(i as u32);
        let counts = analyze_body(body, func, &types, &facts.funcs, pays)?;
        opcodes += counts.ops;
        instrumented_opcodes += counts.instrumented;
    }
    let local_types = facts.funcs.iter().skip(facts.imported_funcs as usize);
    let type_len =
        local_types.filter_map(|&ty| types.get(ty as usize)).map(|&(p, r)| u64::from(p) + u64::from(r)).sum();
    Ok(ModuleStats {
        wasm_len: wasm.len() as u64,
        functions: facts.bodies.len() as u64,
        type_len,
        globals: facts.globals + ADDED_GLOBALS,
        data_bytes: facts.data_bytes,
        element_entries: facts.element_entries,
        data_segments_len: facts.data_segments_len,
        element_segments_len: facts.element_segments_len,
        footprint: facts.memory.map_or(0, |(initial, _)| initial as u16),
        opcodes,
        instrumented_opcodes,
    })
}

fn collect<'a>(facts: &mut Facts<'a>, payload: Payload<'a>, arbos_version: u64) -> Result<(), ActivationError> {
    match payload {
        Payload::TypeSection(reader) => {
            for ty in reader.into_iter_err_on_gc_types() {
                let ty = ty.map_err(invalid)?;
                facts.types.push((ty.params().to_vec(), ty.results().to_vec()));
            }
        }
        Payload::ImportSection(reader) => {
            for import in reader.into_imports() {
                let import = import.map_err(invalid)?;
                facts.imports += 1;
                check_import(facts, import.module, import.name, import.ty)?;
            }
            if arbos_version >= 32 {
                limit("imports", facts.imports, 513)?;
            }
        }
        Payload::FunctionSection(reader) => {
            for ty in reader {
                facts.funcs.push(ty.map_err(invalid)?);
            }
        }
        Payload::TableSection(reader) => {
            for table in reader {
                facts.table_entries = facts.table_entries.saturating_add(table.map_err(invalid)?.ty.initial);
            }
        }
        Payload::MemorySection(reader) => {
            for memory in reader {
                let memory = memory.map_err(invalid)?;
                facts.memory = Some((memory.initial, memory.maximum));
            }
        }
        Payload::GlobalSection(reader) => {
            for global in reader {
                require_const(&global.map_err(invalid)?.init_expr, "global initializer")?;
                facts.globals += 1;
            }
        }
        Payload::ExportSection(reader) => {
            for export in reader {
                let export = export.map_err(invalid)?;
                facts.exports.push((export.name, export.kind, export.index));
            }
        }
        Payload::StartSection { .. } => return Err(ActivationError::StartFunction),
        Payload::ElementSection(reader) => {
            for element in reader {
                let element = element.map_err(invalid)?;
                facts.element_segments += 1;
                if let ElementKind::Active { offset_expr, .. } = &element.kind {
                    require_const(offset_expr, "element segment offset")?;
                }
                let entries = match element.items {
                    ElementItems::Functions(items) => items.count(),
                    ElementItems::Expressions(_, items) => items.count(),
                };
                facts.element_entries = facts.element_entries.saturating_add(u64::from(entries));
                facts.element_segments_len =
                    facts.element_segments_len.saturating_add(element.range.end - element.range.start);
            }
        }
        Payload::DataSection(reader) => {
            for data in reader {
                let data = data.map_err(invalid)?;
                facts.data_segments += 1;
                if let DataKind::Active { offset_expr, .. } = &data.kind {
                    require_const(offset_expr, "data segment offset")?;
                }
                facts.data_bytes = facts.data_bytes.saturating_add(data.data.len() as u64);
                facts.data_segments_len = facts.data_segments_len.saturating_add(data.range.end - data.range.start);
            }
        }
        Payload::CodeSectionStart { count, .. } => limit("functions", u64::from(count), 4096)?,
        _ => {}
    }
    Ok(())
}

/// Imports must be `vm_hooks` functions with exactly the host's signature.
fn check_import(facts: &mut Facts<'_>, module: &str, name: &str, ty: TypeRef) -> Result<(), ActivationError> {
    let which = || format!("{module}.{name}");
    if module.len() > MAX_NAME {
        return Err(ActivationError::NameTooLong { what: "import module name", len: module.len() });
    }
    let TypeRef::Func(index) = ty else {
        return Err(ActivationError::ImportNotFunction(which()));
    };
    if module != VM_HOOKS_MODULE {
        return Err(ActivationError::ImportModule(which()));
    }
    let expected = hook_signature(name).ok_or_else(|| ActivationError::UnknownImport(which()))?;
    let (params, results) = facts.types.get(index as usize).cloned().unwrap_or_default();
    let convert = |types: &[wasmparser::ValType]| -> Option<Vec<ValType>> {
        types
            .iter()
            .map(|ty| match ty {
                wasmparser::ValType::I32 => Some(ValType::I32),
                wasmparser::ValType::I64 => Some(ValType::I64),
                wasmparser::ValType::F32 => Some(ValType::F32),
                wasmparser::ValType::F64 => Some(ValType::F64),
                _ => None,
            })
            .collect()
    };
    let found = (convert(&params), convert(&results));
    if found != (Some(expected.params.to_vec()), Some(expected.results.to_vec())) {
        let list = |t: &[wasmparser::ValType]| t.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        return Err(ActivationError::ImportSignature {
            import: which(),
            found: format!("({}) -> ({})", list(&params), list(&results)),
            expected: format_signature(expected.params, expected.results),
        });
    }
    if name == "pay_for_memory_grow" {
        facts.pays_for_growth = true;
    }
    facts.funcs.push(index);
    facts.imported_funcs += 1;
    Ok(())
}

/// Initializers and offsets must be one constant (`i32.const 8`), as nitro evaluates them.
fn require_const(expr: &ConstExpr<'_>, what: &'static str) -> Result<(), ActivationError> {
    let mut reader = expr.get_operators_reader();
    let first = reader.read().map_err(invalid)?;
    let second = reader.read().map_err(invalid)?;
    let constant = matches!(
        first,
        Operator::I32Const { .. } | Operator::I64Const { .. } | Operator::F32Const { .. } | Operator::F64Const { .. }
    );
    if constant && matches!(second, Operator::End) && reader.eof() {
        Ok(())
    } else {
        Err(ActivationError::NonConstant(what))
    }
}

fn check_module(facts: &Facts<'_>, page_limit: u16) -> Result<(), ActivationError> {
    limit("data segments", facts.data_segments, 128)?;
    limit("element segments", facts.element_segments, 128)?;
    limit("exports", facts.exports.len() as u64, 1024)?;
    limit("globals", facts.globals, 32_768)?;
    limit("table entries", facts.table_entries, 4096)?;
    // nitro's "element entries" limit sums `Element::range` lengths: encoded bytes, not entries.
    limit("element entries", facts.element_segments_len, 4096)?;
    for &(name, _, _) in &facts.exports {
        if name.len() > MAX_NAME {
            return Err(ActivationError::NameTooLong { what: "export name", len: name.len() });
        }
        if RESERVED_EXPORTS.contains(&name) {
            return Err(ActivationError::ReservedExport(name.to_string()));
        }
    }
    let entry = facts.exports.iter().find(|(name, _, _)| *name == "user_entrypoint");
    let Some(&(_, kind, index)) = entry else {
        return Err(ActivationError::MissingEntrypoint);
    };
    let signature = facts.funcs.get(index as usize).and_then(|&ty| facts.types.get(ty as usize));
    let is_entry = |(p, r): &(Vec<wasmparser::ValType>, Vec<wasmparser::ValType>)| {
        p.as_slice() == [wasmparser::ValType::I32] && r.as_slice() == [wasmparser::ValType::I32]
    };
    if kind != ExternalKind::Func || !signature.is_some_and(is_entry) {
        return Err(ActivationError::EntrypointSignature);
    }
    let memory_exports: Vec<_> = facts.exports.iter().filter(|(_, kind, _)| *kind == ExternalKind::Memory).collect();
    let Some((initial, maximum)) = facts.memory else {
        return Err(ActivationError::MemoryExport);
    };
    if memory_exports.len() != 1 || memory_exports[0].0 != "memory" {
        return Err(ActivationError::MemoryExport);
    }
    let bound = u64::from(HEAP_BOUND.min(page_limit));
    if initial > bound {
        return Err(ActivationError::MemoryTooLarge { pages: initial, limit: bound });
    }
    if maximum != Some(initial) && !facts.pays_for_growth {
        return Err(ActivationError::MissingPayForMemoryGrow);
    }
    Ok(())
}
