//! Worst-case operand-stack height of a function body, in words (one word per value), with the
//! counting rules nitro's depth checker uses so that frame sizes (and so the depth at which a
//! recursion runs out of stack) match: a block's result slots count from its start, a call
//! pushes its results before popping its arguments, `else` and `end` reset the height to the
//! block's start, and unreachable code is counted as if it ran.

use wasmer::sys::wasmparser::{BlockType, Operator};

use super::ModuleTypes;

/// What one operator does to the operand stack.
enum Effect {
    /// Pops `pops` values, then pushes `pushes`.
    Simple { pops: u32, pushes: u32 },
    /// Pushes `pushes` values, then pops `pops` (calls).
    PushThenPop { pushes: u32, pops: u32 },
    /// Opens a scope: pops `cond` (1 for `if`), then applies the block type.
    Open { cond: u32, blockty: BlockType },
    /// `else`: back to the height of the enclosing scope.
    Else,
    /// `end`: closes the scope.
    End,
}

/// Worst-case stack height of `code` (the whole body, final `end` included).
pub(crate) fn worst_case_stack(code: &[Operator<'_>], types: &ModuleTypes) -> Result<u32, String> {
    let (mut height, mut worst) = (0u32, 0u32);
    let mut scopes = vec![0u32];
    let push = |height: &mut u32, worst: &mut u32, n: u32| {
        *height = height.saturating_add(n);
        *worst = (*worst).max(*height);
    };
    for op in code {
        match effect(op, types)? {
            Effect::Simple { pops, pushes } => {
                height = height.saturating_sub(pops);
                push(&mut height, &mut worst, pushes);
            }
            Effect::PushThenPop { pushes, pops } => {
                push(&mut height, &mut worst, pushes);
                height = height.saturating_sub(pops);
            }
            Effect::Open { cond, blockty } => {
                height = height.saturating_sub(cond);
                match blockty {
                    BlockType::Empty => {}
                    BlockType::Type(_) => push(&mut height, &mut worst, 1),
                    BlockType::FuncType(index) => {
                        let (params, results) = types.sig(index).ok_or(format!("missing type {index}"))?;
                        push(&mut height, &mut worst, results as u32);
                        height = height.saturating_sub(params as u32);
                    }
                }
                scopes.push(height);
            }
            Effect::Else => height = *scopes.last().ok_or("malformed if-else scope")?,
            Effect::End => height = scopes.pop().ok_or("malformed scoping at end of block")?,
        }
    }
    Ok(worst)
}

fn simple(pops: u32, pushes: u32) -> Effect {
    Effect::Simple { pops, pushes }
}

fn effect(op: &Operator<'_>, types: &ModuleTypes) -> Result<Effect, String> {
    use Operator::*;
    Ok(match op {
        Block { blockty } | Loop { blockty } => Effect::Open { cond: 0, blockty: *blockty },
        If { blockty } => Effect::Open { cond: 1, blockty: *blockty },
        Else => Effect::Else,
        End => Effect::End,
        Call { function_index } => {
            let (params, results) = types.func(*function_index).ok_or(format!("missing function {function_index}"))?;
            Effect::PushThenPop { pushes: results as u32, pops: params as u32 }
        }
        CallIndirect { type_index, .. } => {
            let (params, results) = types.sig(*type_index).ok_or(format!("missing type {type_index}"))?;
            Effect::PushThenPop { pushes: results as u32, pops: params as u32 + 1 }
        }
        MemoryCopy { .. } | MemoryFill { .. } => simple(3, 0),

        // no change: unary operators, loads, branches that leave the height as is
        Nop | Unreachable | Br { .. } | Return | LocalTee { .. } | MemoryGrow { .. } => simple(0, 0),
        I32Eqz | I64Eqz | I32Clz | I32Ctz | I32Popcnt | I64Clz | I64Ctz | I64Popcnt => simple(0, 0),
        I32Load { .. }
        | I64Load { .. }
        | F32Load { .. }
        | F64Load { .. }
        | I32Load8S { .. }
        | I32Load8U { .. }
        | I32Load16S { .. }
        | I32Load16U { .. }
        | I64Load8S { .. }
        | I64Load8U { .. }
        | I64Load16S { .. }
        | I64Load16U { .. }
        | I64Load32S { .. }
        | I64Load32U { .. } => simple(0, 0),
        I32WrapI64 | I64ExtendI32S | I64ExtendI32U | I32Extend8S | I32Extend16S | I64Extend8S | I64Extend16S
        | I64Extend32S => simple(0, 0),
        F32Abs | F32Neg | F32Ceil | F32Floor | F32Trunc | F32Nearest | F32Sqrt | F64Abs | F64Neg | F64Ceil
        | F64Floor | F64Trunc | F64Nearest | F64Sqrt => simple(0, 0),
        I32TruncF32S | I32TruncF32U | I32TruncF64S | I32TruncF64U | I64TruncF32S | I64TruncF32U | I64TruncF64S
        | I64TruncF64U | F32ConvertI32S | F32ConvertI32U | F32ConvertI64S | F32ConvertI64U | F32DemoteF64
        | F64ConvertI32S | F64ConvertI32U | F64ConvertI64S | F64ConvertI64U | F64PromoteF32 | I32ReinterpretF32
        | I64ReinterpretF64 | F32ReinterpretI32 | F64ReinterpretI64 | I32TruncSatF32S | I32TruncSatF32U
        | I32TruncSatF64S | I32TruncSatF64U | I64TruncSatF32S | I64TruncSatF32U | I64TruncSatF64S | I64TruncSatF64U => {
            simple(0, 0)
        }

        // one more value
        LocalGet { .. }
        | GlobalGet { .. }
        | MemorySize { .. }
        | I32Const { .. }
        | I64Const { .. }
        | F32Const { .. }
        | F64Const { .. } => simple(0, 1),

        // one fewer value: binary operators, comparisons, conditional branches, sets
        Drop | BrIf { .. } | BrTable { .. } | LocalSet { .. } | GlobalSet { .. } => simple(1, 0),
        I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS | I32GeU | I64Eq | I64Ne
        | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS | I64GeU => simple(1, 0),
        F32Eq | F32Ne | F32Lt | F32Gt | F32Le | F32Ge | F64Eq | F64Ne | F64Lt | F64Gt | F64Le | F64Ge => simple(1, 0),
        I32Add | I32Sub | I32Mul | I32DivS | I32DivU | I32RemS | I32RemU | I32And | I32Or | I32Xor | I32Shl
        | I32ShrS | I32ShrU | I32Rotl | I32Rotr => simple(1, 0),
        I64Add | I64Sub | I64Mul | I64DivS | I64DivU | I64RemS | I64RemU | I64And | I64Or | I64Xor | I64Shl
        | I64ShrS | I64ShrU | I64Rotl | I64Rotr => simple(1, 0),
        F32Add | F32Sub | F32Mul | F32Div | F32Min | F32Max | F32Copysign | F64Add | F64Sub | F64Mul | F64Div
        | F64Min | F64Max | F64Copysign => simple(1, 0),

        // two fewer values
        Select
        | I32Store { .. }
        | I64Store { .. }
        | F32Store { .. }
        | F64Store { .. }
        | I32Store8 { .. }
        | I32Store16 { .. }
        | I64Store8 { .. }
        | I64Store16 { .. }
        | I64Store32 { .. } => simple(2, 0),

        other => return Err(format!("operator not supported: {other:?}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_like_nitro() {
        use Operator::*;
        let types = ModuleTypes::default();
        // 3 constants deep, then an add: worst 3
        let code = [I32Const { value: 1 }, I32Const { value: 2 }, I32Const { value: 3 }, I32Add, Drop, Drop, End];
        assert_eq!(worst_case_stack(&code, &types), Ok(3));
        // `else` resets to the scope's height
        let code = [
            I32Const { value: 1 },
            If { blockty: BlockType::Empty },
            I32Const { value: 1 },
            I32Const { value: 1 },
            Drop,
            Drop,
            Else,
            I32Const { value: 1 },
            Drop,
            End,
            End,
        ];
        assert_eq!(worst_case_stack(&code, &types), Ok(2));
    }
}
