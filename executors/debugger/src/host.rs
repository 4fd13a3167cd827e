//! [`NativeHost`]: the hostio rules over a native contract's memory (plain pointers into the
//! contract's own address space) and a plain ink counter.

use hostio::{Escape, FrameData, HooksPtr, Host, Ptr};
use world_mock::stylus::{StylusCall, VmHooks};

/// The host side of one native frame.
#[derive(Debug)]
pub(crate) struct NativeHost {
    pub(crate) frame: FrameData,
    pub(crate) hooks: HooksPtr,
    /// A counter of the ink that hostios charge. Native code is not metered, so this is not the
    /// frame's ink (it is never reported as such); it keeps `evm_gas_left`, the 63/64 rule of
    /// nested calls and "requires" checks sensible, and stops a frame whose hostio charges
    /// exceed its gas, as they would on chain.
    pub(crate) ink_left: u64,
    pub(crate) exhausted: bool,
}

impl NativeHost {
    pub(crate) fn new(call: &StylusCall, hooks: &mut dyn VmHooks) -> Self {
        let mut frame = FrameData::new(call);
        frame.tracing = hooks.traces_hostios();
        Self { frame, hooks: HooksPtr::new(hooks), ink_left: call.ink_limit, exhausted: false }
    }
}

fn check(ptr: Ptr, len: usize, what: &str) -> Result<(), Escape> {
    if ptr == 0 && len > 0 {
        return Err(Escape::failure(format!("{what} of {len} bytes at a null pointer")));
    }
    Ok(())
}

impl Host for NativeHost {
    fn frame(&mut self) -> &mut FrameData {
        &mut self.frame
    }

    fn meter(&mut self) -> Result<Option<(u64, bool)>, Escape> {
        Ok(Some((self.ink_left, self.exhausted)))
    }

    fn set_meter(&mut self, ink_left: u64, exhausted: bool) -> Result<(), Escape> {
        self.ink_left = ink_left;
        self.exhausted = exhausted;
        Ok(())
    }

    fn guest_read(&mut self, ptr: Ptr, len: u32) -> Result<Vec<u8>, Escape> {
        check(ptr, len as usize, "read")?;
        if len == 0 {
            return Ok(Vec::new());
        }
        // SAFETY: the contract passed this pointer and length for the hostio to read, as its
        // WASM build would; native contract code is trusted like any code linked in-process.
        Ok(unsafe { std::slice::from_raw_parts(ptr as usize as *const u8, len as usize) }.to_vec())
    }

    fn guest_write(&mut self, ptr: Ptr, bytes: &[u8]) -> Result<(), Escape> {
        check(ptr, bytes.len(), "write")?;
        if !bytes.is_empty() {
            // SAFETY: as for `read`: the contract gave a buffer of at least this size.
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr as usize as *mut u8, bytes.len()) };
        }
        Ok(())
    }

    fn guest_write_len(&mut self, ptr: Ptr, len: u32) -> Result<(), Escape> {
        // Natively the SDK passes `*mut usize`.
        self.guest_write(ptr, &(len as usize).to_ne_bytes())
    }

    fn hooks(&mut self) -> Result<&mut dyn VmHooks, Escape> {
        // SAFETY: the frame's caller is blocked in `execute` until this frame has ended (see
        // `HooksPtr` and `worker.rs`), and hostios run one at a time on the frame's thread.
        Ok(unsafe { self.hooks.get() })
    }
}
