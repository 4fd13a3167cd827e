//! Which executor runs which Stylus program: one default (e.g. Wasmer for every program) and
//! per-program overrides by code hash (e.g. the debugger for programs that have a native form),
//! so one transaction can mix executors.

use std::collections::HashMap;
use std::rc::Rc;

use revm::primitives::B256;

use super::StylusExecutor;

/// The executors of a world, by program.
#[derive(Clone, Default)]
pub struct ExecutorRoutes {
    default: Option<Rc<dyn StylusExecutor>>,
    programs: HashMap<B256, Rc<dyn StylusExecutor>>,
}

impl std::fmt::Debug for ExecutorRoutes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let programs: Vec<_> = self.programs.iter().map(|(hash, e)| (hash, e.name())).collect();
        f.debug_struct("ExecutorRoutes")
            .field("default", &self.default.as_ref().map(|e| e.name()))
            .field("programs", &programs)
            .finish()
    }
}

impl ExecutorRoutes {
    /// Runs every program without its own route on `executor`.
    pub fn set_default(&mut self, executor: Rc<dyn StylusExecutor>) {
        self.default = Some(executor);
    }

    /// Runs the program whose code hash is `codehash` on `executor`.
    pub fn route(&mut self, codehash: B256, executor: Rc<dyn StylusExecutor>) {
        self.programs.insert(codehash, executor);
    }

    /// The executor for the program with code hash `codehash`, if any.
    pub fn for_program(&self, codehash: B256) -> Option<&Rc<dyn StylusExecutor>> {
        self.programs.get(&codehash).or(self.default.as_ref())
    }

    /// Whether no executor is configured at all.
    pub fn is_empty(&self) -> bool {
        self.default.is_none() && self.programs.is_empty()
    }
}
