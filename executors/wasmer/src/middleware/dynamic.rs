//! The dynamic meter: `memory.copy` and `memory.fill` cost ink per byte, charged before the op
//! runs. The size (the op's last operand) is parked in a scratch global, the ink is reduced by
//! `size × price`, and a wrap-around (the new value above the old one) means the program could
//! not pay: status 1 and trap. Table operators, `memory.init` and `data.drop` are refused.

use std::sync::{Arc, Mutex};

use wasmer::sys::wasmparser::{BlockType, Operator};
use wasmer::sys::{FunctionMiddleware, MiddlewareError, MiddlewareReaderState, ModuleMiddleware};
use wasmer::{GlobalInit, LocalFunctionIndex, ModuleInfo, Type};

use super::{INK_LEFT_GLOBAL, INK_STATUS_GLOBAL, SCRATCH_GLOBAL, add_global, exported_global, load, no_state, store};

const NAME: &str = "dynamic ink meter";

/// Module-level dynamic meter: finds the ink globals and adds the scratch global.
#[derive(Debug)]
pub struct DynamicMeter {
    byte_ink: u64,
    state: Mutex<Option<Arc<[u32; 3]>>>,
}

impl DynamicMeter {
    /// A dynamic meter charging `byte_ink` per byte copied or filled.
    pub fn new(byte_ink: u64) -> Self {
        Self { byte_ink, state: Mutex::new(None) }
    }
}

impl ModuleMiddleware for DynamicMeter {
    fn generate_function_middleware<'a>(&self, _: LocalFunctionIndex) -> Box<dyn FunctionMiddleware<'a> + 'a> {
        Box::new(FuncDynamicMeter { globals: load(&self.state), byte_ink: self.byte_ink })
    }

    fn transform_module_info(&self, info: &mut ModuleInfo) -> Result<(), MiddlewareError> {
        let ink = exported_global(info, NAME, INK_LEFT_GLOBAL)?;
        let status = exported_global(info, NAME, INK_STATUS_GLOBAL)?;
        let scratch = add_global(info, NAME, SCRATCH_GLOBAL, Type::I32, GlobalInit::I32Const(0))?;
        store(&self.state, [ink, status, scratch.as_u32()]);
        Ok(())
    }
}

/// Per-function dynamic meter.
#[derive(Debug)]
struct FuncDynamicMeter {
    globals: Option<Arc<[u32; 3]>>,
    byte_ink: u64,
}

impl<'a> FunctionMiddleware<'a> for FuncDynamicMeter {
    fn feed(&mut self, op: Operator<'a>, out: &mut MiddlewareReaderState<'a>) -> Result<(), MiddlewareError> {
        use Operator::*;
        match op {
            MemoryCopy { .. } | MemoryFill { .. } => {
                let [ink, status, scratch] = *self.globals.as_deref().ok_or_else(|| no_state(NAME))?;
                out.extend([
                    // [.., size] -> [..]; keep the size for the op itself
                    GlobalSet { global_index: scratch },
                    // [old, old, size] -> [old, old - size × price]
                    GlobalGet { global_index: ink },
                    GlobalGet { global_index: ink },
                    GlobalGet { global_index: scratch },
                    I64ExtendI32U,
                    I64Const { value: self.byte_ink as i64 },
                    I64Mul,
                    I64Sub,
                    GlobalSet { global_index: ink },
                    GlobalGet { global_index: ink },
                    // old < new: the subtraction wrapped, the program could not pay
                    I64LtU,
                    If { blockty: BlockType::Empty },
                    I32Const { value: 1 },
                    GlobalSet { global_index: status },
                    Unreachable,
                    End,
                    GlobalGet { global_index: scratch },
                ]);
            }
            MemoryInit { .. }
            | DataDrop { .. }
            | ElemDrop { .. }
            | TableInit { .. }
            | TableCopy { .. }
            | TableFill { .. }
            | TableGet { .. }
            | TableSet { .. }
            | TableGrow { .. }
            | TableSize { .. } => {
                return Err(MiddlewareError::new(NAME, format!("opcode not supported: {op:?}")));
            }
            _ => {}
        }
        out.push_operator(op);
        Ok(())
    }
}
