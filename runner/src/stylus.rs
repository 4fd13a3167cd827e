//! The Stylus executor the runner uses: one Wasmer executor (and its module cache) shared by
//! every scenario of a run.

use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use executor_wasmer::{CacheOptions, WasmerExecutor};
use world_mock::stylus::{StylusCall, StylusExecutor, StylusOutcome, VmHooks};

/// Label of the Wasmer executor in reports.
pub const WASMER: &str = "wasmer";

/// The run's shared Wasmer executor (compiled modules are cached in memory and on disk).
pub fn shared_wasmer() -> Arc<WasmerExecutor> {
    static SHARED: OnceLock<Arc<WasmerExecutor>> = OnceLock::new();
    SHARED.get_or_init(|| Arc::new(WasmerExecutor::new(CacheOptions::from_env()))).clone()
}

/// Adapts the shared executor to the world's single-threaded `Rc` seam.
#[derive(Debug)]
struct Shared(Arc<WasmerExecutor>);

impl StylusExecutor for Shared {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn execute(&self, call: &StylusCall, hooks: &mut dyn VmHooks) -> StylusOutcome {
        self.0.execute(call, hooks)
    }
}

/// The executor to install in a scenario's world.
pub fn wasmer_for_world() -> Rc<dyn StylusExecutor> {
    Rc::new(Shared(shared_wasmer()))
}
