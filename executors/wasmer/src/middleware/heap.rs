//! The heap bound: memory growth is paid for before it happens. Each `memory.grow` is preceded
//! by a call to the import `vm_hooks.pay_for_memory_grow(delta)` (the host charges the page
//! gas, then the grow runs). A memory whose maximum equals its minimum cannot grow and needs no
//! import; any other memory requires it. The memory's maximum is also capped at the bound, so
//! growth stays bounded even under lenient hooks.

use std::sync::{Arc, Mutex};

use wasmer::sys::wasmparser::Operator;
use wasmer::sys::{FunctionMiddleware, MiddlewareError, MiddlewareReaderState, ModuleMiddleware};
use wasmer::{LocalFunctionIndex, ModuleInfo, Pages, Type};

use super::{SCRATCH_GLOBAL, exported_global, imported_function, load, no_state, store};

const NAME: &str = "heap bound";

// The import called before each `memory.grow`.
const PAY_FOR_MEMORY_GROW: &str = "pay_for_memory_grow";

/// Module-level heap bound.
#[derive(Debug)]
pub struct HeapBound {
    limit: u32,
    state: Mutex<Option<Arc<HeapState>>>,
}

#[derive(Debug)]
struct HeapState {
    scratch: u32,
    /// `None` when the memory cannot grow (no instrumentation needed).
    pay_func: Option<u32>,
}

impl HeapBound {
    /// A bound of `limit` pages.
    pub fn new(limit: u32) -> Self {
        Self { limit, state: Mutex::new(None) }
    }
}

impl ModuleMiddleware for HeapBound {
    fn generate_function_middleware<'a>(&self, _: LocalFunctionIndex) -> Box<dyn FunctionMiddleware<'a> + 'a> {
        Box::new(FuncHeapBound { state: load(&self.state) })
    }

    fn transform_module_info(&self, info: &mut ModuleInfo) -> Result<(), MiddlewareError> {
        let scratch = exported_global(info, NAME, SCRATCH_GLOBAL)?;
        let limit = Pages(self.limit);
        let mut pay_func = None;
        let memory = info.memories.values().next().map(|m| (m.minimum, m.maximum));
        if let Some((minimum, maximum)) = memory {
            if minimum > limit {
                let message = format!("memory size {} exceeds bound {}", minimum.0, limit.0);
                return Err(MiddlewareError::new(NAME, message));
            }
            if maximum != Some(minimum) {
                let missing = || MiddlewareError::new(NAME, format!("missing import vm_hooks.{PAY_FOR_MEMORY_GROW}"));
                let index = imported_function(info, "vm_hooks", PAY_FOR_MEMORY_GROW).ok_or_else(missing)?;
                let ty = info.functions.get(index).and_then(|sig| info.signatures.get(*sig));
                if !ty.is_some_and(|ty| ty.params() == [Type::I32] && ty.results().is_empty()) {
                    return Err(MiddlewareError::new(NAME, format!("wrong type for {PAY_FOR_MEMORY_GROW}")));
                }
                pay_func = Some(index.as_u32());
                if let Some(memory) = info.memories.values_mut().next() {
                    memory.maximum = Some(maximum.map_or(limit, |max| max.min(limit)));
                }
            }
        }
        store(&self.state, HeapState { scratch, pay_func });
        Ok(())
    }
}

/// Per-function heap bound.
#[derive(Debug)]
struct FuncHeapBound {
    state: Option<Arc<HeapState>>,
}

impl<'a> FunctionMiddleware<'a> for FuncHeapBound {
    fn feed(&mut self, op: Operator<'a>, out: &mut MiddlewareReaderState<'a>) -> Result<(), MiddlewareError> {
        let state = self.state.as_ref().ok_or_else(|| no_state(NAME))?;
        if let (Operator::MemoryGrow { .. }, Some(function_index)) = (&op, state.pay_func) {
            let global_index = state.scratch;
            out.extend([
                // [delta] -> [delta]; pay_for_memory_grow(delta)
                Operator::GlobalSet { global_index },
                Operator::GlobalGet { global_index },
                Operator::GlobalGet { global_index },
                Operator::Call { function_index },
            ]);
        }
        out.push_operator(op);
        Ok(())
    }
}
