//! The depth checker makes stack overflow deterministic: native stack use differs between
//! compilers and machines, so each function instead reserves a frame from a logical budget,
//! `stylus_stack_left`, which the host sets to `MaxStackDepth` words before the entrypoint and
//! which is far below what the native stack can hold.
//!
//! A frame is the function's worst-case operand stack + its declared locals + 4 words. The
//! whole body is buffered (the size is only known at the end), then emitted after the prologue
//! `if stack_left <= size { stack_left = 0; unreachable }; stack_left -= size`, with
//! `stack_left += size` before every `return` (one is added before the final `end`).

use std::sync::{Arc, Mutex};

use wasmer::sys::wasmparser::{BlockType, Operator, ValType};
use wasmer::sys::{FunctionMiddleware, MiddlewareError, MiddlewareReaderState, ModuleMiddleware};
use wasmer::{GlobalInit, LocalFunctionIndex, ModuleInfo, Type};

use super::stack::worst_case_stack;
use super::{ModuleTypes, STACK_LEFT_GLOBAL, add_global, load, no_state, store};

const NAME: &str = "depth checker";

/// Words every frame reserves on top of its operand stack and locals.
const FRAME_OVERHEAD: u32 = 4;

/// Module-level depth checker: adds the stack global and rejects oversized frames.
#[derive(Debug)]
pub struct DepthChecker {
    max_frame_size: u32,
    max_contention: u32,
    state: Mutex<Option<Arc<DepthState>>>,
}

#[derive(Debug)]
struct DepthState {
    global: u32,
    types: ModuleTypes,
}

impl DepthChecker {
    /// A checker refusing frames above `max_frame_size` words or operand stacks above
    /// `max_contention` values.
    pub fn new(max_frame_size: u32, max_contention: u32) -> Self {
        Self { max_frame_size, max_contention, state: Mutex::new(None) }
    }
}

impl ModuleMiddleware for DepthChecker {
    fn generate_function_middleware<'a>(&self, index: LocalFunctionIndex) -> Box<dyn FunctionMiddleware<'a> + 'a> {
        Box::new(FuncDepthChecker {
            state: load(&self.state),
            index: index.as_u32(),
            max_frame_size: self.max_frame_size,
            max_contention: self.max_contention,
            locals: None,
            scopes: 1,
            code: Vec::new(),
        })
    }

    fn transform_module_info(&self, info: &mut ModuleInfo) -> Result<(), MiddlewareError> {
        let global = add_global(info, NAME, STACK_LEFT_GLOBAL, Type::I32, GlobalInit::I32Const(0))?;
        store(&self.state, DepthState { global: global.as_u32(), types: ModuleTypes::of(info) });
        Ok(())
    }
}

/// Per-function depth checker.
#[derive(Debug)]
struct FuncDepthChecker<'a> {
    state: Option<Arc<DepthState>>,
    index: u32,
    max_frame_size: u32,
    max_contention: u32,
    locals: Option<u32>,
    /// Open scopes; the function body is one. Zero once the body is complete.
    scopes: u32,
    code: Vec<Operator<'a>>,
}

impl FuncDepthChecker<'_> {
    fn error(&self, message: impl std::fmt::Display) -> MiddlewareError {
        MiddlewareError::new(NAME, format!("function {}: {message}", self.index))
    }

    fn frame_size(&self, state: &DepthState) -> Result<u32, MiddlewareError> {
        let worst = worst_case_stack(&self.code, &state.types).map_err(|e| self.error(e))?;
        if worst > self.max_contention {
            return Err(self.error(format!("too many values on the stack: {worst} > {}", self.max_contention)));
        }
        let locals = self.locals.ok_or_else(|| self.error("missing locals"))?;
        let size = worst.saturating_add(locals).saturating_add(FRAME_OVERHEAD);
        if size > self.max_frame_size {
            return Err(self.error(format!("frame too large: {size} > {}-word limit", self.max_frame_size)));
        }
        Ok(size)
    }
}

impl<'a> FunctionMiddleware<'a> for FuncDepthChecker<'a> {
    fn locals_info(&mut self, locals: &[ValType]) {
        self.locals = Some(u32::try_from(locals.len()).unwrap_or(u32::MAX));
    }

    fn feed(&mut self, op: Operator<'a>, out: &mut MiddlewareReaderState<'a>) -> Result<(), MiddlewareError> {
        if self.scopes == 0 {
            return Err(self.error("operators after the end of the body"));
        }
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => self.scopes += 1,
            Operator::End => self.scopes -= 1,
            _ => {}
        }
        self.code.push(op);
        if self.scopes > 0 {
            return Ok(());
        }
        let state = self.state.clone().ok_or_else(|| no_state(NAME))?;
        let size = self.frame_size(&state)?;
        let (global_index, value) = (state.global, size as i32);
        out.extend([
            Operator::GlobalGet { global_index },
            Operator::I32Const { value },
            Operator::I32LeU,
            Operator::If { blockty: BlockType::Empty },
            Operator::I32Const { value: 0 },
            Operator::GlobalSet { global_index },
            Operator::Unreachable,
            Operator::End,
            Operator::GlobalGet { global_index },
            Operator::I32Const { value },
            Operator::I32Sub,
            Operator::GlobalSet { global_index },
        ]);
        let mut code = std::mem::take(&mut self.code);
        let last = code.pop(); // the body's final `end`
        code.push(Operator::Return);
        code.extend(last);
        for op in code {
            if matches!(op, Operator::Return) {
                out.extend([
                    Operator::GlobalGet { global_index },
                    Operator::I32Const { value },
                    Operator::I32Add,
                    Operator::GlobalSet { global_index },
                ]);
            }
            out.push_operator(op);
        }
        Ok(())
    }
}
