//! Opcode ink: nitro's `pricing_v1` table and the basic-block header (stylus-semantics §2.2),
//! which the middlewares compile into the program. Hostio prices are the shared `hostio`
//! crate's.

use wasmer::sys::wasmparser::Operator;

/// Ink charged once per basic block for the "enough ink?" check itself.
pub const INK_HEADER_COST: u64 = 2_450;

/// Ink per byte copied or filled by `memory.copy` / `memory.fill` (charged before the op).
pub const MEMORY_BYTE_INK: u64 = 100;

/// Whether `op` closes a basic block for the ink meter (the op itself belongs to the block).
pub fn ends_basic_block(op: &Operator<'_>) -> bool {
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

/// Ink of one operator under `pricing_v1`, pricing `call_indirect` as if its type had no
/// parameters (see [`op_ink_typed`] for the exact price). Floats, SIMD, atomics, reference,
/// table, exception, GC and tail-call operators cost `u64::MAX`: a block holding one always
/// runs out of ink.
///
/// # Examples
/// ```
/// use executor_wasmer::op_ink;
/// use wasmer::sys::wasmparser::Operator;
/// assert_eq!(op_ink(&Operator::I32Add), 70);
/// assert_eq!(op_ink(&Operator::F32Add), u64::MAX);
/// ```
pub fn op_ink(op: &Operator<'_>) -> u64 {
    op_ink_typed(op, |_| Some(0))
}

/// Ink of one operator under `pricing_v1`; `param_count(type_index)` gives the number of
/// parameters of a function type, used by `call_indirect` (`None`: unknown type, `u64::MAX`).
pub fn op_ink_typed(op: &Operator<'_>, param_count: impl Fn(u32) -> Option<usize>) -> u64 {
    use Operator::*;
    match op {
        Unreachable | Return | Nop | I32Const { .. } | I64Const { .. } => 1,
        Block { .. } | Loop { .. } | Else | End => 1,
        Drop => 9,
        Br { .. } | BrIf { .. } | If { .. } => 765,
        Select => 1_250,
        Call { .. } => 3_800,
        LocalGet { .. } | LocalTee { .. } => 75,
        LocalSet { .. } => 210,
        GlobalGet { .. } => 225,
        GlobalSet { .. } => 575,
        I32Load { .. } | I32Load8S { .. } | I32Load8U { .. } | I32Load16S { .. } | I32Load16U { .. } => 670,
        I64Load { .. }
        | I64Load8S { .. }
        | I64Load8U { .. }
        | I64Load16S { .. }
        | I64Load16U { .. }
        | I64Load32S { .. }
        | I64Load32U { .. } => 680,
        I32Store { .. } | I32Store8 { .. } | I32Store16 { .. } => 825,
        I64Store { .. } | I64Store8 { .. } | I64Store16 { .. } | I64Store32 { .. } => 950,
        MemorySize { .. } => 3_000,
        MemoryGrow { .. } => 8_050,
        MemoryCopy { .. } | MemoryFill { .. } => 950,
        I32Eqz | I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS | I32GeU => 170,
        I64Eqz | I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS | I64GeU => 225,
        I32Clz | I32Ctz | I64Clz | I64Ctz => 210,
        I32Add | I32Sub | I32And | I32Or | I32Xor | I32Shl | I32ShrS | I32ShrU | I32Rotl | I32Rotr => 70,
        I64Add | I64Sub | I64And | I64Or | I64Xor | I64Shl | I64ShrS | I64ShrU | I64Rotl | I64Rotr => 100,
        I32Mul | I64Mul => 160,
        I32DivS | I32DivU | I32RemS | I32RemU => 1_120,
        I64DivS | I64DivU | I64RemS | I64RemU => 1_270,
        I32Popcnt => 2_650,
        I64Popcnt => 6_000,
        I32WrapI64 | I64ExtendI32S | I64ExtendI32U => 100,
        I32Extend8S | I32Extend16S | I64Extend8S | I64Extend16S | I64Extend32S => 100,
        BrTable { targets } => 2_400 + 325 * u64::from(targets.len()),
        CallIndirect { type_index, .. } => match param_count(*type_index) {
            Some(params) => 13_610 + 650 * params as u64,
            None => u64::MAX,
        },
        _ => u64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_cost_example() {
        use Operator::*;
        let block = [LocalGet { local_index: 0 }, LocalGet { local_index: 1 }, I32Add, BrIf { relative_depth: 0 }];
        let cost: u64 = block.iter().map(op_ink).sum::<u64>() + INK_HEADER_COST;
        assert_eq!(cost, 75 + 75 + 70 + 765 + 2_450);
        assert_eq!(cost, 3_435);
        assert!(ends_basic_block(&block[3]));
        assert!(!ends_basic_block(&block[2]));
    }

    #[test]
    fn call_indirect_counts_params() {
        let op = Operator::CallIndirect { type_index: 3, table_index: 0 };
        assert_eq!(op_ink_typed(&op, |_| Some(2)), 13_610 + 1_300);
        assert_eq!(op_ink_typed(&op, |_| None), u64::MAX);
    }
}
