//! The ink meter: each basic block is charged up front, including the operator that ends it,
//! plus a fixed header cost. Before the block it inserts
//! `if ink < cost { status = 1; unreachable }; ink -= cost`.

use std::sync::{Arc, Mutex};

use wasmer::sys::wasmparser::{BlockType, Operator};
use wasmer::sys::{FunctionMiddleware, MiddlewareError, MiddlewareReaderState, ModuleMiddleware};
use wasmer::{GlobalInit, LocalFunctionIndex, ModuleInfo, Type};

use super::{INK_LEFT_GLOBAL, INK_STATUS_GLOBAL, ModuleTypes, add_global, load, no_state, store};
use crate::pricing::{ends_basic_block, op_ink_typed};

const NAME: &str = "ink meter";

/// Module-level ink meter: adds the ink globals and prices blocks with `pricing_v1`.
#[derive(Debug)]
pub struct InkMeter {
    header_cost: u64,
    state: Mutex<Option<Arc<MeterState>>>,
}

#[derive(Debug)]
struct MeterState {
    ink: u32,
    status: u32,
    types: ModuleTypes,
}

impl InkMeter {
    /// A meter charging `header_cost` ink per basic block on top of its operators.
    pub fn new(header_cost: u64) -> Self {
        Self { header_cost, state: Mutex::new(None) }
    }
}

impl ModuleMiddleware for InkMeter {
    fn generate_function_middleware<'a>(&self, _: LocalFunctionIndex) -> Box<dyn FunctionMiddleware<'a> + 'a> {
        Box::new(FuncInkMeter { state: load(&self.state), header_cost: self.header_cost, block: Vec::new(), cost: 0 })
    }

    fn transform_module_info(&self, info: &mut ModuleInfo) -> Result<(), MiddlewareError> {
        let ink = add_global(info, NAME, INK_LEFT_GLOBAL, Type::I64, GlobalInit::I64Const(0))?;
        let status = add_global(info, NAME, INK_STATUS_GLOBAL, Type::I32, GlobalInit::I32Const(0))?;
        store(&self.state, MeterState { ink: ink.as_u32(), status: status.as_u32(), types: ModuleTypes::of(info) });
        Ok(())
    }
}

/// Per-function ink meter: buffers a basic block, then emits its check and the block.
#[derive(Debug)]
struct FuncInkMeter<'a> {
    state: Option<Arc<MeterState>>,
    header_cost: u64,
    block: Vec<Operator<'a>>,
    cost: u64,
}

impl<'a> FunctionMiddleware<'a> for FuncInkMeter<'a> {
    fn feed(&mut self, op: Operator<'a>, out: &mut MiddlewareReaderState<'a>) -> Result<(), MiddlewareError> {
        let state = self.state.as_ref().ok_or_else(|| no_state(NAME))?;
        let op_cost = op_ink_typed(&op, |ty| state.types.sig(ty).map(|(params, _)| params));
        self.cost = self.cost.saturating_add(op_cost);
        let ends = ends_basic_block(&op);
        self.block.push(op);
        if !ends {
            return Ok(());
        }
        let cost = self.cost.saturating_add(self.header_cost) as i64; // compared unsigned
        let (ink, status) = (state.ink, state.status);
        out.extend([
            Operator::GlobalGet { global_index: ink },
            Operator::I64Const { value: cost },
            Operator::I64LtU,
            Operator::If { blockty: BlockType::Empty },
            Operator::I32Const { value: 1 },
            Operator::GlobalSet { global_index: status },
            Operator::Unreachable,
            Operator::End,
            Operator::GlobalGet { global_index: ink },
            Operator::I64Const { value: cost },
            Operator::I64Sub,
            Operator::GlobalSet { global_index: ink },
        ]);
        out.extend(self.block.drain(..));
        self.cost = 0;
        Ok(())
    }
}
