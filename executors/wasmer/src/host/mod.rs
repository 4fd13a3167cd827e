//! The `vm_hooks` host functions for Wasmer. The rules of each hostio (what it charges, in
//! what order, what it asks the chain) are the shared `hostio` crate's; this module gives them
//! what is Wasmer's own: guest memory (bounds-checked WASM linear memory), the ink meter (the
//! instrumentation's globals) and the frame's hooks. `imports.rs` binds the 42 functions.

mod imports;

use hostio::{Escape, FrameData, HooksPtr, Host, Ptr, TraceValue, traced};
use wasmer::{FunctionEnvMut, Global, Memory, RuntimeError, StoreMut, Value};
use world_mock::stylus::{StylusCall, VmHooks};

use crate::middleware::EXIT_EVENT;

pub(crate) use imports::{externs_for, imports};

/// The host side of one frame.
pub(crate) struct HostData {
    pub(crate) frame: FrameData,
    pub(crate) hooks: Option<HooksPtr>,
    pub(crate) memory: Option<Memory>,
    pub(crate) ink_left: Option<Global>,
    pub(crate) ink_status: Option<Global>,
    /// Set by profiled modules right before a function event.
    pub(crate) profile_flag: Option<Global>,
}

impl HostData {
    pub(crate) fn new(call: &StylusCall) -> Self {
        Self {
            frame: FrameData::new(call),
            hooks: None,
            memory: None,
            ink_left: None,
            ink_status: None,
            profile_flag: None,
        }
    }
}

/// What a host function works with: its frame's data and the store (for memory and globals).
pub(crate) struct Ctx<'a> {
    data: &'a mut HostData,
    store: StoreMut<'a>,
}

/// Runs the host function `name`, turning an [`Escape`] into a trap that unwinds the program.
/// The hostio's own result type `T` (what a trace records) becomes the WASM type `R`.
pub(crate) fn hostio<T: TraceValue, R: From<T>>(
    mut env: FunctionEnvMut<'_, HostData>,
    name: &'static str,
    body: impl FnOnce(&mut Ctx<'_>) -> Result<T, Escape>,
) -> Result<R, RuntimeError> {
    let (data, store) = env.data_and_store_mut();
    let mut ctx = Ctx { data, store };
    traced(&mut ctx, name, body).map(R::from).map_err(|escape| RuntimeError::user(Box::new(escape)))
}

/// Handles a call of `pay_for_memory_grow` that is a function event of a profiled module (its
/// flag global is set): charges nothing, feeds the frame's profiler, returns `true`.
pub(crate) fn profile_event(env: &mut FunctionEnvMut<'_, HostData>, code: u32) -> bool {
    let (data, mut store) = env.data_and_store_mut();
    let Some(flag) = data.profile_flag.clone() else { return false };
    if flag.get(&mut store).unwrap_i32() == 0 {
        return false;
    }
    // Profiled modules declare the flag mutable `i32`, so the set cannot fail.
    let _ = flag.set(&mut store, Value::I32(0));
    let mut ctx = Ctx { data, store };
    let ink_left = match ctx.meter() {
        Ok(Some((left, false))) => left,
        _ => 0,
    };
    if let Some(profiler) = &mut ctx.data.frame.profiler {
        let index = code & !EXIT_EVENT;
        if code & EXIT_EVENT == 0 {
            profiler.enter(index, ink_left);
        } else {
            profiler.exit(index, ink_left);
        }
    }
    true
}

fn failure(message: impl Into<String>) -> Escape {
    Escape::Failure(message.into())
}

/// A WASM address: guest pointers are 32-bit offsets.
fn offset(ptr: Ptr) -> Result<u64, Escape> {
    u32::try_from(ptr).map(u64::from).map_err(|_| failure(format!("address {ptr} is outside 32-bit memory")))
}

impl Ctx<'_> {
    fn memory(&self) -> Result<&Memory, Escape> {
        self.data.memory.as_ref().ok_or_else(|| failure("the program exports no memory"))
    }
}

impl Host for Ctx<'_> {
    fn frame(&mut self) -> &mut FrameData {
        &mut self.data.frame
    }

    fn meter(&mut self) -> Result<Option<(u64, bool)>, Escape> {
        let (Some(ink_left), Some(ink_status)) = (self.data.ink_left.clone(), self.data.ink_status.clone()) else {
            return Ok(None); // not instrumented: unlimited
        };
        let exhausted = ink_status.get(&mut self.store).unwrap_i32() != 0;
        Ok(Some((ink_left.get(&mut self.store).unwrap_i64() as u64, exhausted)))
    }

    fn set_meter(&mut self, ink: u64, exhausted: bool) -> Result<(), Escape> {
        let (Some(ink_left), Some(ink_status)) = (self.data.ink_left.clone(), self.data.ink_status.clone()) else {
            return Ok(()); // not instrumented: nothing to account
        };
        ink_left.set(&mut self.store, Value::I64(ink as i64)).map_err(|e| failure(e.message()))?;
        ink_status.set(&mut self.store, Value::I32(i32::from(exhausted))).map_err(|e| failure(e.message()))
    }

    fn guest_read(&mut self, ptr: Ptr, len: u32) -> Result<Vec<u8>, Escape> {
        let ptr = offset(ptr)?;
        let view = self.memory()?.view(&self.store);
        if ptr + u64::from(len) > view.data_size() {
            return Err(failure(format!("out of bounds read of {len} bytes at {ptr}")));
        }
        let mut buf = vec![0; len as usize];
        view.read(ptr, &mut buf).map_err(|e| failure(format!("memory read at {ptr}: {e}")))?;
        Ok(buf)
    }

    fn guest_write(&mut self, ptr: Ptr, bytes: &[u8]) -> Result<(), Escape> {
        let ptr = offset(ptr)?;
        let view = self.memory()?.view(&self.store);
        view.write(ptr, bytes)
            .map_err(|e| failure(format!("out of bounds write of {} bytes at {ptr}: {e}", bytes.len())))
    }

    fn guest_write_len(&mut self, ptr: Ptr, len: u32) -> Result<(), Escape> {
        self.guest_write(ptr, &len.to_le_bytes())
    }

    fn hooks(&mut self) -> Result<&mut dyn VmHooks, Escape> {
        let ptr = self.data.hooks.as_ref().ok_or_else(|| failure("hooks used outside the frame"))?;
        // SAFETY: `run` stores the pointer right before the entrypoint call we are inside and
        // clears it right after; host functions run one at a time on this thread (see
        // `HooksPtr`).
        Ok(unsafe { ptr.get() })
    }
}
