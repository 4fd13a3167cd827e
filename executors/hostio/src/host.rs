//! [`Host`]: what an executor provides so that the shared hostio rules can run.

use world_mock::revm::primitives::{Address, B256, U256};
use world_mock::stylus::{FrameEnv, HookError, VmHooks};

use crate::{Escape, FrameData};

/// An address in the guest's memory: a WASM offset, or a native pointer.
pub type Ptr = u64;

/// An executor's side of a frame: guest memory, the ink meter, the frame's data and hooks.
///
/// The provided methods are nitro's accounting primitives (`buy_ink`, `require_gas`, …);
/// the functions of [`crate::hostio`] are written with them only.
pub trait Host {
    /// The frame's own data.
    fn frame(&mut self) -> &mut FrameData;

    /// The meter: `(ink left, exhausted)`, or `None` when the frame is not metered (its ink is
    /// unlimited and nothing is charged).
    fn meter(&mut self) -> Result<Option<(u64, bool)>, Escape>;

    /// Sets the meter (ignored when not metered).
    fn set_meter(&mut self, ink_left: u64, exhausted: bool) -> Result<(), Escape>;

    /// Reads `len` bytes of guest memory at `ptr`; out of bounds is a failure. As in nitro,
    /// "out of bounds" is `ptr + len > memory size`, also when `len` is 0.
    fn guest_read(&mut self, ptr: Ptr, len: u32) -> Result<Vec<u8>, Escape>;

    /// Writes `bytes` into guest memory at `ptr`; out of bounds is a failure (the same rule as
    /// [`Host::guest_read`], also for no bytes).
    fn guest_write(&mut self, ptr: Ptr, bytes: &[u8]) -> Result<(), Escape>;

    /// Writes a length where the guest expects one (`u32` in WASM, `usize` natively).
    fn guest_write_len(&mut self, ptr: Ptr, len: u32) -> Result<(), Escape>;

    /// Reads guest memory for a hostio (recorded when tracing).
    fn read(&mut self, ptr: Ptr, len: u32) -> Result<Vec<u8>, Escape> {
        let bytes = self.guest_read(ptr, len)?;
        if let Some(capture) = &mut self.frame().capture {
            capture.args.extend_from_slice(&bytes);
        }
        Ok(bytes)
    }

    /// Writes guest memory for a hostio (recorded when tracing).
    fn write(&mut self, ptr: Ptr, bytes: &[u8]) -> Result<(), Escape> {
        self.guest_write(ptr, bytes)?;
        if let Some(capture) = &mut self.frame().capture {
            capture.outs.extend_from_slice(bytes);
        }
        Ok(())
    }

    /// Writes a length for a hostio (recorded when tracing, as a big-endian `u32`).
    fn write_len(&mut self, ptr: Ptr, len: u32) -> Result<(), Escape> {
        self.guest_write_len(ptr, len)?;
        if let Some(capture) = &mut self.frame().capture {
            capture.outs.extend_from_slice(&len.to_be_bytes());
        }
        Ok(())
    }

    /// The chain's hooks for this frame.
    fn hooks(&mut self) -> Result<&mut dyn VmHooks, Escape>;

    /// The ink left, failing if the frame already ran out (`u64::MAX` when not metered).
    fn ink_ready(&mut self) -> Result<u64, Escape> {
        match self.meter()? {
            None => Ok(u64::MAX),
            Some((_, true)) => Err(Escape::OutOfInk("ink already exhausted".into())),
            Some((left, false)) => Ok(left),
        }
    }

    /// Marks the ink exhausted and returns the escape to propagate.
    fn out_of_ink(&mut self, why: String) -> Escape {
        match self.set_meter(0, true) {
            Ok(()) => Escape::OutOfInk(why),
            Err(error) => error,
        }
    }

    /// Pays `ink`, or runs out.
    fn buy_ink(&mut self, ink: u64) -> Result<(), Escape> {
        let left = self.ink_ready()?;
        if left < ink {
            return Err(self.out_of_ink(format!("needs {ink} ink, {left} left")));
        }
        self.set_meter(left - ink, false)
    }

    /// Checks that `ink` is available without paying it (nitro `require_ink`).
    fn require_ink(&mut self, ink: u64) -> Result<(), Escape> {
        let left = self.ink_ready()?;
        if left < ink {
            return Err(self.out_of_ink(format!("requires {ink} ink, {left} left")));
        }
        Ok(())
    }

    /// Pays `gas` converted to ink.
    fn buy_gas(&mut self, gas: u64) -> Result<(), Escape> {
        let ink = gas.saturating_mul(self.frame().ink_price);
        self.buy_ink(ink)
    }

    /// Checks that `gas` is available.
    fn require_gas(&mut self, gas: u64) -> Result<(), Escape> {
        let ink = gas.saturating_mul(self.frame().ink_price);
        self.require_ink(ink)
    }

    /// The gas left (ink left divided by the ink price, rounded down).
    fn gas_left(&mut self) -> Result<u64, Escape> {
        Ok(self.ink_ready()? / self.frame().ink_price)
    }

    /// Converts a hook's failure into the frame's escape.
    fn hook_error(&mut self, error: HookError) -> Escape {
        if error.out_of_gas { self.out_of_ink(error.message) } else { Escape::Failure(error.message) }
    }

    /// The block and transaction environment (asked of the hooks once per frame).
    fn env(&mut self) -> Result<FrameEnv, Escape> {
        if let Some(env) = &self.frame().env {
            return Ok(env.clone());
        }
        let env = self.hooks()?.env();
        self.frame().env = Some(env.clone());
        Ok(env)
    }

    /// Reads a fixed-size value.
    fn read_fixed<const N: usize>(&mut self, ptr: Ptr) -> Result<[u8; N], Escape> {
        let bytes = self.read(ptr, N as u32)?;
        bytes.try_into().map_err(|_| Escape::failure("short read"))
    }

    /// Reads a 32-byte word.
    fn read_b256(&mut self, ptr: Ptr) -> Result<B256, Escape> {
        self.read_fixed::<32>(ptr).map(B256::from)
    }

    /// Reads a big-endian 256-bit number.
    fn read_u256(&mut self, ptr: Ptr) -> Result<U256, Escape> {
        self.read_fixed::<32>(ptr).map(U256::from_be_bytes)
    }

    /// Reads a 20-byte address.
    fn read_address(&mut self, ptr: Ptr) -> Result<Address, Escape> {
        self.read_fixed::<20>(ptr).map(Address::from)
    }
}

/// Clamps a host-side length to the `u32` a Stylus guest sees.
pub(crate) fn len32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}
