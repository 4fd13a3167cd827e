//! The executor registry: which executor configurations a scenario runs on, and how each one
//! routes a world's Stylus programs. Every configuration runs EVM code on revm; `wasmer` runs
//! every Stylus program metered; `debugger` runs the programs that have a native form
//! (`contract:NAME`) natively and the others on Wasmer. One Wasmer and one debugger executor
//! (and their caches) serve the whole run.

use std::path::PathBuf;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use alloy_primitives::B256;
use executor_debugger::{DebuggerExecutor, NativeProgram};
use executor_wasmer::{CacheOptions, WasmerExecutor};
use world_mock::World;
use world_mock::stylus::{StylusCall, StylusExecutor, StylusOutcome, VmHooks};

use crate::prepare::PreparedScenario;

/// Label of scenarios that run EVM code only.
pub const REVM: &str = "revm";
/// Label of the metered WASM executor.
pub const WASMER: &str = "wasmer";
/// Label of the native executor.
pub const DEBUGGER: &str = "debugger";

/// Which Stylus executors a run uses (`--executor`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ExecutorChoice {
    /// Wasmer only.
    Wasmer,
    /// The debugger for programs with a native form (Wasmer for the others).
    Debugger,
    /// Both, where a program has a native form, compared step by step.
    #[default]
    All,
}

/// The order configurations are reported in.
pub fn rank(label: &str) -> u8 {
    match label {
        REVM => 0,
        WASMER => 1,
        DEBUGGER => 2,
        _ => 3,
    }
}

/// Why a scenario runs on no configuration under the chosen executors (it is then skipped).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotPlanned(pub String);

/// The configurations `scenario` runs on under `choice`, or why it cannot run.
pub fn plan(scenario: &PreparedScenario, choice: ExecutorChoice) -> Result<Vec<&'static str>, NotPlanned> {
    if !scenario.uses_stylus {
        return Ok(vec![REVM]);
    }
    let native = !scenario.contracts.is_empty();
    let mut labels = match (choice, native) {
        (_, false) | (ExecutorChoice::Wasmer, true) => vec![WASMER],
        (ExecutorChoice::Debugger, true) => vec![DEBUGGER],
        (ExecutorChoice::All, true) => vec![WASMER, DEBUGGER],
    };
    if let Some(allowed) = &scenario.executors {
        labels.retain(|label| allowed.iter().any(|a| a == label));
        if labels.is_empty() {
            let why = if native || !allowed.iter().any(|a| a == DEBUGGER) {
                format!("restricted to executors [{}], not selected by --executor", allowed.join(", "))
            } else {
                format!(
                    "restricted to executors [{}], but no program has a native form (`contract:NAME`)",
                    allowed.join(", ")
                )
            };
            return Err(NotPlanned(why));
        }
    }
    Ok(labels)
}

/// The run's Wasmer executor (compiled modules cached in memory and on disk).
pub fn shared_wasmer() -> Arc<WasmerExecutor> {
    static SHARED: OnceLock<Arc<WasmerExecutor>> = OnceLock::new();
    SHARED.get_or_init(|| Arc::new(WasmerExecutor::new(CacheOptions::from_env()))).clone()
}

/// The run's debugger executor.
pub fn shared_debugger() -> Arc<DebuggerExecutor> {
    static SHARED: OnceLock<Arc<DebuggerExecutor>> = OnceLock::new();
    SHARED.get_or_init(|| Arc::new(DebuggerExecutor::default())).clone()
}

/// Adapts a shared executor to the world's single-threaded `Rc` seam.
#[derive(Debug)]
struct Shared<E>(Arc<E>);

impl<E: StylusExecutor> StylusExecutor for Shared<E> {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn execute(&self, call: &StylusCall, hooks: &mut dyn VmHooks) -> StylusOutcome {
        self.0.execute(call, hooks)
    }
}

/// A program's native library, by the code hash the world routes.
#[derive(Clone, Debug)]
pub struct NativeForm {
    /// Code hash of the program.
    pub codehash: B256,
    /// The library.
    pub library: PathBuf,
}

/// Loads native forms into the shared debugger executor.
pub fn load_natives(natives: &[NativeForm]) -> Result<(), executor_debugger::NativeError> {
    let debugger = shared_debugger();
    for native in natives {
        let program = NativeProgram::load(&native.library)?;
        debugger.register(native.codehash, program);
    }
    Ok(())
}

/// Sets up `world`'s executors for configuration `label` (natives loaded by [`load_natives`]).
/// Every world runs Stylus code on Wasmer, whatever the scenario looked like when prepared
/// (code can arrive at run time, e.g. created by a contract); under `debugger` the programs with
/// a native form run natively.
pub fn install(world: &mut World, label: &str, natives: &[NativeForm]) {
    world.set_stylus_executor(Rc::new(Shared(shared_wasmer())));
    if label == DEBUGGER {
        let debugger: Rc<dyn StylusExecutor> = Rc::new(Shared(shared_debugger()));
        for native in natives {
            world.route_program(native.codehash, debugger.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{DEBUGGER, ExecutorChoice, REVM, WASMER, plan};
    use crate::contracts::ContractCrate;
    use crate::prepare::{PreparedContract, PreparedScenario};

    fn scenario(stylus: bool, native: bool, executors: Option<&[&str]>) -> PreparedScenario {
        let krate = ContractCrate {
            name: "c".into(),
            dir: "/c".into(),
            package: "c".into(),
            lib_name: "c".into(),
            native: Default::default(),
        };
        let contract =
            PreparedContract { krate, codehash: Default::default(), location: String::new(), json_path: String::new() };
        PreparedScenario {
            file: "x.scen.json".into(),
            name: "x".into(),
            steps: Vec::new(),
            uses_stylus: stylus,
            contracts: if native { vec![contract] } else { Vec::new() },
            executors: executors.map(|e| e.iter().map(|s| s.to_string()).collect()),
            errors: Vec::new(),
            functions: Vec::new(),
            unsupported: None,
        }
    }

    #[test]
    fn configurations_follow_the_code_and_the_choice() {
        use ExecutorChoice::*;
        assert_eq!(plan(&scenario(false, false, None), All), Ok(vec![REVM]));
        assert_eq!(plan(&scenario(true, false, None), All), Ok(vec![WASMER]));
        assert_eq!(plan(&scenario(true, false, None), Debugger), Ok(vec![WASMER]), "no native form: wasmer");
        assert_eq!(plan(&scenario(true, true, None), All), Ok(vec![WASMER, DEBUGGER]));
        assert_eq!(plan(&scenario(true, true, None), Wasmer), Ok(vec![WASMER]));
        assert_eq!(plan(&scenario(true, true, None), Debugger), Ok(vec![DEBUGGER]));
        assert_eq!(plan(&scenario(true, true, Some(&["debugger"])), All), Ok(vec![DEBUGGER]));
        assert!(plan(&scenario(true, true, Some(&["debugger"])), Wasmer).unwrap_err().0.contains("not selected"));
        let why = plan(&scenario(true, false, Some(&["debugger"])), All).unwrap_err().0;
        assert!(why.contains("no program has a native form"), "{why}");
    }
}
