//! The `vm_hooks` host functions: the frame's host state ([`HostData`]), the escape kinds that
//! end a frame early ([`Escape`]), and [`Ctx`], which gives a host function ink accounting,
//! bounds-checked guest memory and the chain's hooks. The 42 functions live in `io.rs`,
//! `chain.rs`, `calls.rs`, `info.rs` and `math.rs`; `imports.rs` registers them.

mod calls;
mod chain;
mod imports;
mod info;
mod io;
mod math;

use wasmer::{FunctionEnvMut, Global, Memory, RuntimeError, StoreMut, Value};
use world_mock::revm::primitives::{Address, B256, Bytes, U256};
use world_mock::stylus::{FrameEnv, HookError, StylusCall, VmHooks};

pub(crate) use imports::imports;

/// A raw pointer to the frame's hooks, valid only while the entrypoint runs.
///
/// Safety argument: the executor stores it right before calling `user_entrypoint` and clears it
/// right after, while the `&mut dyn VmHooks` it came from is borrowed by that same `execute`
/// call. Host functions run synchronously on the calling thread inside that call, one at a
/// time, so no other reference to the hooks is live while one of them dereferences it. A nested
/// frame (a call reaching another Stylus program through revm) gets its own hooks, `Store` and
/// pointer; the outer pointer is not touched until the nested frame has returned. The `Store`
/// owning the [`HostData`] never leaves `execute`.
pub(crate) struct HooksPtr(*mut (dyn VmHooks + 'static));

// SAFETY: the pointer is only dereferenced on the thread running the frame (see above);
// `FunctionEnv` requires `Send` although the store never moves to another thread.
unsafe impl Send for HooksPtr {}

impl HooksPtr {
    /// Erases the borrow's lifetime; see the type's safety argument.
    pub(crate) fn new(hooks: &mut dyn VmHooks) -> Self {
        let ptr: *mut (dyn VmHooks + '_) = hooks;
        // SAFETY: only the trait object's lifetime bound changes (same layout); the pointer is
        // dropped before the borrow ends.
        Self(unsafe { std::mem::transmute::<*mut (dyn VmHooks + '_), *mut (dyn VmHooks + 'static)>(ptr) })
    }
}

/// Why a frame stopped before `user_entrypoint` returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Escape {
    /// `exit_early(status)`.
    Exit(u32),
    /// The ink ran out in a host function (the ink globals say so too).
    OutOfInk(String),
    /// A hostio failed: bad memory access, bad arguments, a hook error.
    Failure(String),
}

impl std::fmt::Display for Escape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exit(status) => write!(f, "exit_early({status})"),
            Self::OutOfInk(why) => write!(f, "out of ink: {why}"),
            Self::Failure(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for Escape {}

/// The host side of one frame.
pub(crate) struct HostData {
    pub(crate) hooks: Option<HooksPtr>,
    pub(crate) memory: Option<Memory>,
    pub(crate) ink_left: Option<Global>,
    pub(crate) ink_status: Option<Global>,
    pub(crate) args: Bytes,
    pub(crate) outs: Bytes,
    pub(crate) return_data_len: u32,
    pub(crate) contract: Address,
    pub(crate) caller: Address,
    pub(crate) value: U256,
    pub(crate) ink_price: u64,
    pub(crate) arbos_version: u64,
    env: Option<FrameEnv>,
}

impl HostData {
    pub(crate) fn new(call: &StylusCall) -> Self {
        Self {
            hooks: None,
            memory: None,
            ink_left: None,
            ink_status: None,
            args: call.calldata.clone(),
            outs: Bytes::new(),
            return_data_len: 0,
            contract: call.contract,
            caller: call.caller,
            value: call.value,
            ink_price: u64::from(call.params.ink_price.max(1)),
            arbos_version: call.params.arbos_version,
            env: None,
        }
    }
}

/// What a host function works with: its frame's data and the store (for memory and globals).
pub(crate) struct Ctx<'a> {
    pub(crate) data: &'a mut HostData,
    store: StoreMut<'a>,
}

/// Runs a host function body, turning an [`Escape`] into a trap that unwinds the program.
pub(crate) fn hostio<T>(
    mut env: FunctionEnvMut<'_, HostData>,
    body: impl FnOnce(&mut Ctx<'_>) -> Result<T, Escape>,
) -> Result<T, RuntimeError> {
    let (data, store) = env.data_and_store_mut();
    let mut ctx = Ctx { data, store };
    body(&mut ctx).map_err(|escape| RuntimeError::user(Box::new(escape)))
}

fn failure(message: impl Into<String>) -> Escape {
    Escape::Failure(message.into())
}

impl Ctx<'_> {
    /// The ink left, failing if the program already ran out (unlimited without instrumentation).
    pub(crate) fn ink_ready(&mut self) -> Result<u64, Escape> {
        let (Some(ink_left), Some(ink_status)) = (self.data.ink_left.clone(), self.data.ink_status.clone()) else {
            return Ok(u64::MAX);
        };
        if ink_status.get(&mut self.store).unwrap_i32() != 0 {
            return Err(Escape::OutOfInk("ink already exhausted".into()));
        }
        Ok(ink_left.get(&mut self.store).unwrap_i64() as u64)
    }

    fn set_ink(&mut self, ink: u64, status: i32) -> Result<(), Escape> {
        let (Some(ink_left), Some(ink_status)) = (self.data.ink_left.clone(), self.data.ink_status.clone()) else {
            return Ok(()); // not instrumented: nothing to account
        };
        ink_left.set(&mut self.store, Value::I64(ink as i64)).map_err(|e| failure(e.message()))?;
        ink_status.set(&mut self.store, Value::I32(status)).map_err(|e| failure(e.message()))
    }

    /// Marks the ink exhausted and returns the escape to propagate.
    pub(crate) fn out_of_ink(&mut self, why: String) -> Escape {
        match self.set_ink(0, 1) {
            Ok(()) => Escape::OutOfInk(why),
            Err(error) => error,
        }
    }

    /// Pays `ink`, or runs out.
    pub(crate) fn buy_ink(&mut self, ink: u64) -> Result<(), Escape> {
        let left = self.ink_ready()?;
        if left < ink {
            return Err(self.out_of_ink(format!("needs {ink} ink, {left} left")));
        }
        self.set_ink(left - ink, 0)
    }

    /// Checks that `ink` is available without paying it (nitro `require_ink`).
    pub(crate) fn require_ink(&mut self, ink: u64) -> Result<(), Escape> {
        let left = self.ink_ready()?;
        if left < ink {
            return Err(self.out_of_ink(format!("requires {ink} ink, {left} left")));
        }
        Ok(())
    }

    /// Pays `gas` converted to ink.
    pub(crate) fn buy_gas(&mut self, gas: u64) -> Result<(), Escape> {
        self.buy_ink(gas.saturating_mul(self.data.ink_price))
    }

    /// Checks that `gas` is available.
    pub(crate) fn require_gas(&mut self, gas: u64) -> Result<(), Escape> {
        self.require_ink(gas.saturating_mul(self.data.ink_price))
    }

    /// The gas left (ink left divided by the ink price, rounded down).
    pub(crate) fn gas_left(&mut self) -> Result<u64, Escape> {
        Ok(self.ink_ready()? / self.data.ink_price)
    }

    /// Converts a hook's failure into the frame's escape.
    pub(crate) fn hook_error(&mut self, error: HookError) -> Escape {
        if error.out_of_gas { self.out_of_ink(error.message) } else { Escape::Failure(error.message) }
    }

    /// The chain's hooks for this frame.
    pub(crate) fn hooks(&mut self) -> Result<&mut dyn VmHooks, Escape> {
        let ptr = self.data.hooks.as_ref().ok_or_else(|| failure("hooks used outside the frame"))?.0;
        // SAFETY: see `HooksPtr`: the pointee outlives the entrypoint call we are inside, and no
        // other reference to it is live while a host function runs.
        Ok(unsafe { &mut *ptr })
    }

    /// The block and transaction environment (asked once per frame).
    pub(crate) fn env(&mut self) -> Result<FrameEnv, Escape> {
        if self.data.env.is_none() {
            let env = self.hooks()?.env();
            self.data.env = Some(env);
        }
        self.data.env.clone().ok_or_else(|| failure("no environment"))
    }

    fn memory(&self) -> Result<&Memory, Escape> {
        self.data.memory.as_ref().ok_or_else(|| failure("the program exports no memory"))
    }

    /// Reads `len` guest bytes at `ptr`; out of bounds is a failure.
    pub(crate) fn read(&mut self, ptr: u32, len: u32) -> Result<Vec<u8>, Escape> {
        let view = self.memory()?.view(&self.store);
        if u64::from(ptr) + u64::from(len) > view.data_size() {
            return Err(failure(format!("out of bounds read of {len} bytes at {ptr}")));
        }
        let mut buf = vec![0; len as usize];
        view.read(u64::from(ptr), &mut buf).map_err(|e| failure(format!("memory read at {ptr}: {e}")))?;
        Ok(buf)
    }

    /// Reads a fixed-size value.
    pub(crate) fn read_fixed<const N: usize>(&mut self, ptr: u32) -> Result<[u8; N], Escape> {
        let bytes = self.read(ptr, N as u32)?;
        bytes.try_into().map_err(|_| failure("short read"))
    }

    pub(crate) fn read_b256(&mut self, ptr: u32) -> Result<B256, Escape> {
        self.read_fixed::<32>(ptr).map(B256::from)
    }

    pub(crate) fn read_u256(&mut self, ptr: u32) -> Result<U256, Escape> {
        self.read_fixed::<32>(ptr).map(U256::from_be_bytes)
    }

    pub(crate) fn read_address(&mut self, ptr: u32) -> Result<Address, Escape> {
        self.read_fixed::<20>(ptr).map(Address::from)
    }

    /// Writes `bytes` at `ptr`; out of bounds is a failure.
    pub(crate) fn write(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), Escape> {
        let view = self.memory()?.view(&self.store);
        view.write(u64::from(ptr), bytes)
            .map_err(|e| failure(format!("out of bounds write of {} bytes at {ptr}: {e}", bytes.len())))
    }

    /// Writes a little-endian `u32` (the guest's own byte order).
    pub(crate) fn write_u32(&mut self, ptr: u32, value: u32) -> Result<(), Escape> {
        self.write(ptr, &value.to_le_bytes())
    }
}

/// Clamps a host-side length to the `u32` the guest sees.
pub(crate) fn len32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}
