//! The function profiler (diorama's own, not nitro's): tells the host when each function starts
//! and returns, so that an ink profile can charge the ink spent in between to a call stack.
//!
//! It must not change any figure, so it comes last in the chain — the meter never sees its
//! operators and the depth checker never counts them — and it calls an import the program
//! already has, `vm_hooks.pay_for_memory_grow(i32)`, after setting the exported global
//! `stylus_profile_flag` to 1: the host sees the flag, clears it, and reads the argument as an
//! event (`function index`, or `index | 1 << 31` for a return) instead of a page purchase,
//! charging nothing. A program without that import (its memory cannot grow) gets no events.
//! Exits are signalled before each `return` and before a body's final `end` when a `return`
//! does not precede it (the depth checker always adds one); traps unwind no events, which the
//! host handles when the frame ends.

use std::sync::{Arc, Mutex};

use wasmer::sys::wasmparser::Operator;
use wasmer::sys::{FunctionMiddleware, MiddlewareError, MiddlewareReaderState, ModuleMiddleware};
use wasmer::{GlobalInit, LocalFunctionIndex, ModuleInfo, Type};

use super::{PROFILE_FLAG_GLOBAL, add_global, imported_function, load, no_state, store};

const NAME: &str = "function profiler";

/// The import the events go through.
const EVENT_IMPORT: &str = "pay_for_memory_grow";

/// Set on the event of a function's return.
pub const EXIT_EVENT: u32 = 1 << 31;

/// Module-level function profiler.
#[derive(Debug, Default)]
pub struct FunctionProfiler {
    state: Mutex<Option<Arc<ProfilerState>>>,
}

#[derive(Debug)]
struct ProfilerState {
    flag: u32,
    /// `None` when the program does not import the event function.
    event_func: Option<u32>,
    imported_functions: u32,
}

impl FunctionProfiler {
    /// A profiler for the next module compiled.
    pub fn new() -> Self {
        Self::default()
    }
}

impl ModuleMiddleware for FunctionProfiler {
    fn generate_function_middleware<'a>(&self, index: LocalFunctionIndex) -> Box<dyn FunctionMiddleware<'a> + 'a> {
        Box::new(FuncProfiler {
            state: load(&self.state),
            local_index: index.as_u32(),
            started: false,
            scopes: 1,
            after_return: false,
        })
    }

    fn transform_module_info(&self, info: &mut ModuleInfo) -> Result<(), MiddlewareError> {
        let flag = add_global(info, NAME, PROFILE_FLAG_GLOBAL, Type::I32, GlobalInit::I32Const(0))?;
        let event_func = imported_function(info, "vm_hooks", EVENT_IMPORT).filter(|index| {
            let ty = info.functions.get(*index).and_then(|sig| info.signatures.get(*sig));
            ty.is_some_and(|ty| ty.params() == [Type::I32] && ty.results().is_empty())
        });
        let imported_functions = u32::try_from(info.num_imported_functions).unwrap_or(u32::MAX);
        store(
            &self.state,
            ProfilerState { flag: flag.as_u32(), event_func: event_func.map(|f| f.as_u32()), imported_functions },
        );
        Ok(())
    }
}

/// Per-function profiler.
#[derive(Debug)]
struct FuncProfiler {
    state: Option<Arc<ProfilerState>>,
    local_index: u32,
    started: bool,
    /// Open scopes; the body is one.
    scopes: u32,
    after_return: bool,
}

impl<'a> FunctionMiddleware<'a> for FuncProfiler {
    fn feed(&mut self, op: Operator<'a>, out: &mut MiddlewareReaderState<'a>) -> Result<(), MiddlewareError> {
        let state = self.state.as_ref().ok_or_else(|| no_state(NAME))?;
        let Some(function_index) = state.event_func else {
            out.push_operator(op);
            return Ok(());
        };
        let index = state.imported_functions.saturating_add(self.local_index);
        let event = |code: u32| {
            [
                Operator::I32Const { value: 1 },
                Operator::GlobalSet { global_index: state.flag },
                Operator::I32Const { value: code as i32 },
                Operator::Call { function_index },
            ]
        };
        if !self.started {
            self.started = true;
            out.extend(event(index));
        }
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => self.scopes += 1,
            Operator::End => {
                self.scopes = self.scopes.saturating_sub(1);
                if self.scopes == 0 && !self.after_return {
                    out.extend(event(index | EXIT_EVENT));
                }
            }
            Operator::Return => out.extend(event(index | EXIT_EVENT)),
            _ => {}
        }
        self.after_return = matches!(op, Operator::Return);
        out.push_operator(op);
        Ok(())
    }
}
