//! Per-function checks of activation (stylus-semantics §1.3, §1.4): opcodes Stylus refuses,
//! the depth checker's frame limits, and the number of operators the function has once
//! nitro's middlewares have instrumented it (for the activation gas of §1.6).
//!
//! Instrumented operator count (each middleware sees the previous one's output, in nitro's
//! order Meter → DynamicMeter → DepthChecker → HeapBound):
//! - Meter: 12 operators before every basic block; a block ends at each `end`, `else`,
//!   `return`, `loop`, `br`, `br_if`, `br_table`, `if`, `call` and `call_indirect`.
//! - DynamicMeter: 17 operators before each `memory.fill` and `memory.copy`.
//! - DepthChecker: 12 operators on entry, one `return` appended before the final `end`, and 4
//!   operators before every `return` (the appended one included).
//! - HeapBound: 4 operators before each `memory.grow` when `pay_for_memory_grow` is in use.
//!
//! These insertion sizes are nitro's; the total is an approximation only in that it assumes
//! nitro counts operators after instrumentation exactly this way.

use wasmparser::{BlockType, FunctionBody, Operator};

use super::ActivationError;

/// A function type as (parameter count, result count).
pub(super) type Arity = (u32, u32);

/// Limits a function body must respect.
const MAX_LOCALS: u64 = 348;
const MAX_OPCODES: u64 = 65_536;
const MAX_FRAME_SIZE: u64 = 10_240;
const MAX_FRAME_CONTENTION: u64 = 4_096;

/// What activation learns from one function body.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct FuncCounts {
    /// Operators in the original body, the final `end` included.
    pub(super) ops: u64,
    /// Operators after instrumentation.
    pub(super) instrumented: u64,
}

/// Checks the body of function `func` (module index, imports counted) and counts its operators.
/// `types` are the module's function types, `funcs` the type of every function.
pub(super) fn analyze_body(
    body: &FunctionBody<'_>,
    func: u32,
    types: &[Arity],
    funcs: &[u32],
    pays_for_growth: bool,
) -> Result<FuncCounts, ActivationError> {
    let invalid = |e: wasmparser::BinaryReaderError| ActivationError::InvalidWasm(e.to_string());
    let mut locals = 0u64;
    for entry in body.get_locals_reader().map_err(invalid)? {
        locals = locals.saturating_add(u64::from(entry.map_err(invalid)?.0));
    }
    if locals > MAX_LOCALS {
        return Err(ActivationError::Limit { what: "locals in one function", count: locals, limit: MAX_LOCALS });
    }
    let func_arity = |index: u32| funcs.get(index as usize).and_then(|&ty| types.get(ty as usize)).copied();
    let block_arity = |ty: BlockType| match ty {
        BlockType::Empty => (0, 0),
        BlockType::Type(_) => (0, 1),
        BlockType::FuncType(index) => types.get(index as usize).copied().unwrap_or_default(),
    };

    let (mut ops, mut block_ends, mut returns, mut dynamic, mut grows) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let (mut stack, mut worst) = (0u64, 0u64);
    let mut scopes = vec![0u64];
    let mut push = |stack: &mut u64, n: u64| {
        *stack += n;
        worst = worst.max(*stack);
    };
    let mut reader = body.get_operators_reader().map_err(invalid)?;
    while !reader.eof() {
        let op = reader.read().map_err(invalid)?;
        ops += 1;
        if let Some(name) = float_op(&op) {
            return Err(ActivationError::FloatOp { op: name, func });
        }
        if let Some(name) = unsupported_op(&op) {
            return Err(ActivationError::UnsupportedOp { op: name, func });
        }
        if ends_block(&op) {
            block_ends += 1;
        }
        // Worst-case operand stack, as nitro's depth checker estimates it.
        match op {
            Operator::Block { blockty } | Operator::Loop { blockty } | Operator::If { blockty } => {
                if matches!(op, Operator::If { .. }) {
                    stack = stack.saturating_sub(1);
                }
                let (ins, outs) = block_arity(blockty);
                push(&mut stack, u64::from(outs));
                stack = stack.saturating_sub(u64::from(ins));
                scopes.push(stack);
            }
            Operator::Else => stack = scopes.last().copied().unwrap_or_default(),
            Operator::End => stack = scopes.pop().unwrap_or_default(),
            Operator::Call { function_index } => {
                let (ins, outs) = func_arity(function_index).unwrap_or_default();
                push(&mut stack, u64::from(outs));
                stack = stack.saturating_sub(u64::from(ins));
            }
            Operator::CallIndirect { type_index, .. } => {
                let (ins, outs) = types.get(type_index as usize).copied().unwrap_or_default();
                push(&mut stack, u64::from(outs));
                stack = stack.saturating_sub(u64::from(ins) + 1);
            }
            Operator::Return => returns += 1,
            Operator::MemoryFill { .. } | Operator::MemoryCopy { .. } => {
                dynamic += 1;
                stack = stack.saturating_sub(3);
            }
            Operator::MemoryGrow { .. } => grows += 1,
            ref other => match net_effect(other) {
                n if n > 0 => push(&mut stack, n.unsigned_abs()),
                n => stack = stack.saturating_sub(n.unsigned_abs()),
            },
        }
    }
    if ops > MAX_OPCODES {
        return Err(ActivationError::Limit { what: "opcodes in one function", count: ops, limit: MAX_OPCODES });
    }
    if worst > MAX_FRAME_CONTENTION {
        return Err(ActivationError::StackContention { func, depth: worst, limit: MAX_FRAME_CONTENTION });
    }
    let frame = worst + locals + 4;
    if frame > MAX_FRAME_SIZE {
        return Err(ActivationError::FrameTooLarge { func, size: frame, limit: MAX_FRAME_SIZE });
    }
    let heap = if pays_for_growth { 4 * grows } else { 0 };
    let instrumented = ops + 12 * block_ends + 17 * dynamic + 12 + 1 + 4 * (returns + 1) + heap;
    Ok(FuncCounts { ops, instrumented })
}

/// Nitro's basic-block boundaries (`ends_basic_block`).
fn ends_block(op: &Operator<'_>) -> bool {
    use Operator::*;
    matches!(
        op,
        End | Else
            | Return
            | Loop { .. }
            | Br { .. }
            | BrIf { .. }
            | BrTable { .. }
            | If { .. }
            | Call { .. }
            | CallIndirect { .. }
    )
}

/// Net operand-stack change of an operator without block or call semantics.
fn net_effect(op: &Operator<'_>) -> i64 {
    use Operator::*;
    match op {
        LocalGet { .. }
        | GlobalGet { .. }
        | MemorySize { .. }
        | I32Const { .. }
        | I64Const { .. }
        | F32Const { .. }
        | F64Const { .. } => 1,
        Select
        | I32Store { .. }
        | I64Store { .. }
        | F32Store { .. }
        | F64Store { .. }
        | I32Store8 { .. }
        | I32Store16 { .. }
        | I64Store8 { .. }
        | I64Store16 { .. }
        | I64Store32 { .. } => -2,
        Drop | LocalSet { .. } | GlobalSet { .. } | BrIf { .. } | BrTable { .. } => -1,
        I32Add | I32Sub | I32Mul | I32DivS | I32DivU | I32RemS | I32RemU | I32And | I32Or | I32Xor | I32Shl
        | I32ShrS | I32ShrU | I32Rotl | I32Rotr | I64Add | I64Sub | I64Mul | I64DivS | I64DivU | I64RemS | I64RemU
        | I64And | I64Or | I64Xor | I64Shl | I64ShrS | I64ShrU | I64Rotl | I64Rotr => -1,
        I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS | I32GeU | I64Eq | I64Ne
        | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS | I64GeU => -1,
        _ => 0,
    }
}

/// Bulk-memory and table operators activation refuses (nitro has no implementation for them).
fn unsupported_op(op: &Operator<'_>) -> Option<&'static str> {
    use Operator::*;
    Some(match op {
        MemoryInit { .. } => "memory.init",
        DataDrop { .. } => "data.drop",
        ElemDrop { .. } => "elem.drop",
        TableInit { .. } => "table.init",
        TableCopy { .. } => "table.copy",
        TableGet { .. } => "table.get",
        TableSet { .. } => "table.set",
        TableGrow { .. } => "table.grow",
        TableSize { .. } => "table.size",
        TableFill { .. } => "table.fill",
        _ => return None,
    })
}

macro_rules! named {
    ($op:expr; $($variant:ident => $name:literal),* $(,)?) => {
        match $op { $(Operator::$variant => Some($name),)* _ => None }
    };
}

/// Float arithmetic, comparisons and conversions: user programs get no soft-float, so they fail
/// activation. Float loads, stores, constants and reinterpretations (bit casts) are accepted.
fn float_op(op: &Operator<'_>) -> Option<&'static str> {
    named!(op;
        F32Eq => "f32.eq", F32Ne => "f32.ne", F32Lt => "f32.lt", F32Gt => "f32.gt", F32Le => "f32.le", F32Ge => "f32.ge",
        F64Eq => "f64.eq", F64Ne => "f64.ne", F64Lt => "f64.lt", F64Gt => "f64.gt", F64Le => "f64.le", F64Ge => "f64.ge",
        F32Abs => "f32.abs", F32Neg => "f32.neg", F32Ceil => "f32.ceil", F32Floor => "f32.floor",
        F32Trunc => "f32.trunc", F32Nearest => "f32.nearest", F32Sqrt => "f32.sqrt",
        F32Add => "f32.add", F32Sub => "f32.sub", F32Mul => "f32.mul", F32Div => "f32.div",
        F32Min => "f32.min", F32Max => "f32.max", F32Copysign => "f32.copysign",
        F64Abs => "f64.abs", F64Neg => "f64.neg", F64Ceil => "f64.ceil", F64Floor => "f64.floor",
        F64Trunc => "f64.trunc", F64Nearest => "f64.nearest", F64Sqrt => "f64.sqrt",
        F64Add => "f64.add", F64Sub => "f64.sub", F64Mul => "f64.mul", F64Div => "f64.div",
        F64Min => "f64.min", F64Max => "f64.max", F64Copysign => "f64.copysign",
        I32TruncF32S => "i32.trunc_f32_s", I32TruncF32U => "i32.trunc_f32_u",
        I32TruncF64S => "i32.trunc_f64_s", I32TruncF64U => "i32.trunc_f64_u",
        I64TruncF32S => "i64.trunc_f32_s", I64TruncF32U => "i64.trunc_f32_u",
        I64TruncF64S => "i64.trunc_f64_s", I64TruncF64U => "i64.trunc_f64_u",
        F32ConvertI32S => "f32.convert_i32_s", F32ConvertI32U => "f32.convert_i32_u",
        F32ConvertI64S => "f32.convert_i64_s", F32ConvertI64U => "f32.convert_i64_u",
        F32DemoteF64 => "f32.demote_f64",
        F64ConvertI32S => "f64.convert_i32_s", F64ConvertI32U => "f64.convert_i32_u",
        F64ConvertI64S => "f64.convert_i64_s", F64ConvertI64U => "f64.convert_i64_u",
        F64PromoteF32 => "f64.promote_f32",
        I32TruncSatF32S => "i32.trunc_sat_f32_s", I32TruncSatF32U => "i32.trunc_sat_f32_u",
        I32TruncSatF64S => "i32.trunc_sat_f64_s", I32TruncSatF64U => "i32.trunc_sat_f64_u",
        I64TruncSatF32S => "i64.trunc_sat_f32_s", I64TruncSatF32U => "i64.trunc_sat_f32_u",
        I64TruncSatF64S => "i64.trunc_sat_f64_s", I64TruncSatF64U => "i64.trunc_sat_f64_u",
    )
}
