//! Running one frame: a store and instance (fresh, or reused from the instance pool), the meter
//! and stack globals set from the call, `user_entrypoint(args_len)`, then the outcome
//! (stylus-semantics §2.6 and §3.2).

use std::panic::{AssertUnwindSafe, catch_unwind};

use wasmer::sys::vm::TrapCode;
use wasmer::{FunctionEnv, Global, Instance, Module, RuntimeError, Store, Value};
use world_mock::revm::primitives::Bytes;
use world_mock::stylus::{StylusCall, StylusOutcome, StylusStatus, VmHooks};

use hostio::{Escape, HooksPtr, Metering, Profiler, frame_outcome};

use crate::engine::Instrumentation;
use crate::host::{HostData, externs_for, imports};
use crate::instance_pool::{Initial, InstancePool, ProgramKey, Ready};
use crate::middleware::{INK_LEFT_GLOBAL, INK_STATUS_GLOBAL, MeterScheme, PROFILE_FLAG_GLOBAL, STACK_LEFT_GLOBAL};

/// The entrypoint every Stylus program exports.
pub const ENTRYPOINT: &str = "user_entrypoint";

/// How the entrypoint call ended, before classification.
struct Ended {
    result: Result<u32, RuntimeError>,
    ink_left: u64,
    /// Out of ink: the meter's status, or (meters that read the ink as signed) a negative ink.
    exhausted: bool,
    stack_left: u32,
    outs: Bytes,
}

/// Runs `call` with `module` (compiled by `engine`, with `instrumentation`), on an idle
/// instance of `pool` when it has one (see `instance_pool`). Never panics: a panic in a hook or
/// in Wasmer ends the frame with `Failure`.
pub(crate) fn run(
    engine: &wasmer::Engine,
    module: &Module,
    call: &StylusCall,
    hooks: &mut dyn VmHooks,
    instrumentation: Instrumentation,
    pool: Option<(&InstancePool, ProgramKey)>,
) -> StylusOutcome {
    let frame = || {
        let ready = match pool.and_then(|(pool, key)| pool.take(&key)) {
            Some(ready) => ready,
            None => instantiate(engine, module, call, instrumentation.metered(), pool)?,
        };
        let (ended, ready) = call_entry(ready, call, hooks, instrumentation);
        if let (Some((pool, key)), Ok(_)) = (pool, &ended) {
            pool.give_back(key, ready);
        }
        ended
    };
    match catch_unwind(AssertUnwindSafe(frame)) {
        Ok(Ok(ended)) => classify(call, ended),
        Ok(Err(why)) => outcome(call, StylusStatus::Failure, call.ink_limit, Bytes::new(), Some(why)),
        Err(panic) => {
            let why =
                panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned());
            let detail = format!("panic while running the frame: {}", why.unwrap_or_default());
            outcome(call, StylusStatus::Failure, call.ink_limit, Bytes::new(), Some(detail))
        }
    }
}

/// A fresh store and instance of `module`; its state after instantiation is recorded when the
/// instance may go back to `pool`.
fn instantiate(
    engine: &wasmer::Engine,
    module: &Module,
    call: &StylusCall,
    metered: bool,
    pool: Option<(&InstancePool, ProgramKey)>,
) -> Result<Ready, String> {
    let mut store = Store::new(engine.clone());
    let env = FunctionEnv::new(&mut store, HostData::new(call));
    let instance = match externs_for(&mut store, &env, module) {
        Some(externs) => Instance::new_by_index(&mut store, module, &externs),
        // An import that is not a hook: the by-name path reports Wasmer's own link error.
        None => {
            let imports = imports(&mut store, &env);
            Instance::new(&mut store, module, &imports)
        }
    };
    let instance = instance.map_err(|e| format!("instantiation: {e}"))?;
    let exports = &instance.exports;
    // an unmetered engine (benchmarks) adds no globals: the frame then has unlimited ink
    let global = |name: &str| exports.get_global(name).ok().cloned();
    let (ink_left, ink_status, stack_left) =
        (global(INK_LEFT_GLOBAL), global(INK_STATUS_GLOBAL), global(STACK_LEFT_GLOBAL));
    if metered && (ink_left.is_none() || ink_status.is_none() || stack_left.is_none()) {
        return Err("the module is not instrumented".into());
    }
    let memory = exports.get_memory("memory").cloned().map_err(|e| format!("no memory export: {e}"))?;
    let entry = exports.get_typed_function::<u32, u32>(&store, ENTRYPOINT).map_err(|e| format!("entrypoint: {e}"))?;
    // Only a profiled module has the flag (and sends events).
    let profile_flag = global(PROFILE_FLAG_GLOBAL);
    let poolable = pool.is_some_and(|(pool, key)| pool.poolable(&key, &call.wasm));
    let initial = poolable.then(|| Initial::capture(&mut store, &memory));
    Ok(Ready { store, env, memory, entry, ink_left, ink_status, stack_left, profile_flag, initial })
}

/// Calls the entrypoint with the frame's ink and stack budget and host data.
fn call_entry(
    mut ready: Ready,
    call: &StylusCall,
    hooks: &mut dyn VmHooks,
    instrumentation: Instrumentation,
) -> (Result<Ended, String>, Ready) {
    let set = |store: &mut Store, global: &Option<Global>, value| match global {
        Some(global) => global.set(store, value).map_err(|e| e.message()),
        None => Ok(()),
    };
    let store = &mut ready.store;
    let budget = set(store, &ready.ink_left, Value::I64(call.ink_limit as i64))
        .and_then(|()| set(store, &ready.ink_status, Value::I32(0)))
        .and_then(|()| set(store, &ready.stack_left, Value::I32(call.params.max_stack_depth as i32)));
    if let Err(why) = budget {
        return (Err(why), ready);
    }
    {
        let data = ready.env.as_mut(store);
        *data = HostData::new(call);
        data.memory = Some(ready.memory.clone());
        data.ink_left = ready.ink_left.clone();
        data.ink_status = ready.ink_status.clone();
        data.frame.tracing = hooks.traces_hostios();
        data.profile_flag = ready.profile_flag.clone();
        if data.profile_flag.is_some() && hooks.profiles_functions() {
            data.frame.profiler = Some(Profiler::new(call.ink_limit));
        }
        data.hooks = Some(HooksPtr::new(hooks));
    }
    let args_len = u32::try_from(call.calldata.len()).unwrap_or(u32::MAX);
    let result = ready.entry.call(store, args_len);
    let data = ready.env.as_mut(store);
    data.hooks = None; // the borrow of `hooks` ends with this function
    let outs = std::mem::take(&mut data.frame.outs);
    let profiler = data.frame.profiler.take();
    let mut get = |global: &Option<Global>, default: Value| global.as_ref().map_or(default, |g| g.get(store));
    let ink = get(&ready.ink_left, Value::I64(call.ink_limit as i64)).unwrap_i64();
    let signed = instrumentation.meter_scheme() == Some(MeterScheme::AtBoundaries);
    let ended = Ended {
        result,
        ink_left: ink as u64,
        exhausted: get(&ready.ink_status, Value::I32(0)).unwrap_i32() != 0 || (signed && ink < 0),
        stack_left: get(&ready.stack_left, Value::I32(1)).unwrap_i32() as u32,
        outs,
    };
    if let Some(profiler) = profiler {
        let ink_left = if ended.exhausted { 0 } else { ended.ink_left };
        hooks.record_profile(profiler.finish(ink_left));
    }
    (Ok(ended), ready)
}

/// Classification order (nitro): native stack overflow, then the depth budget, then the ink,
/// then the escape kind (`exit_early`, hostio failure, trap).
fn classify(call: &StylusCall, ended: Ended) -> StylusOutcome {
    let Ended { result, ink_left, exhausted, stack_left, outs } = ended;
    let error = match result {
        // A frame that returns with a negative ink ran on unpaid after its last check.
        Ok(_) if exhausted => return outcome(call, StylusStatus::OutOfInk, 0, Bytes::new(), Some("out of ink".into())),
        Ok(0) => return outcome(call, StylusStatus::Success, ink_left, outs, None),
        Ok(_) => return outcome(call, StylusStatus::Revert, ink_left, outs, None),
        Err(error) => error,
    };
    if error.clone().to_trap() == Some(TrapCode::StackOverflow) {
        let detail = "native stack overflow (nitro retries such frames; diorama reports failure)";
        return outcome(call, StylusStatus::Failure, ink_left, Bytes::new(), Some(detail.into()));
    }
    if stack_left == 0 {
        return outcome(call, StylusStatus::OutOfStack, ink_left, Bytes::new(), Some("out of stack".into()));
    }
    if exhausted {
        let detail = match error.downcast_ref::<Escape>() {
            Some(escape @ Escape::OutOfInk(_)) => escape.to_string(),
            _ => "out of ink".into(),
        };
        return outcome(call, StylusStatus::OutOfInk, 0, Bytes::new(), Some(detail));
    }
    match error.downcast::<Escape>() {
        Ok(escape @ Escape::Exit(_)) => outcome(call, escape.status(), ink_left, outs, None),
        Ok(escape) => outcome(call, escape.status(), ink_left, Bytes::new(), Some(escape.to_string())),
        Err(trap) => outcome(call, StylusStatus::Failure, ink_left, Bytes::new(), Some(trap.message())),
    }
}

/// Builds the outcome (see [`frame_outcome`]); Wasmer's instrumentation meters exactly.
fn outcome(
    call: &StylusCall,
    status: StylusStatus,
    ink_left: u64,
    output: Bytes,
    detail: Option<String>,
) -> StylusOutcome {
    frame_outcome(call, status, ink_left, output, detail, Metering::Exact)
}
