//! The one place where the borrow of a frame's hooks is erased for the executors' host code.

use world_mock::stylus::VmHooks;

/// A raw pointer to a frame's hooks, valid only while that frame runs.
///
/// Executors call into guest code (WASM through Wasmer, native contracts through C function
/// pointers) that calls back into host functions; those callbacks cannot carry the
/// `&mut dyn VmHooks` borrow through the guest, so the executor stores this pointer in the
/// frame's host state right before entering the guest and drops it right after.
///
/// Safety argument: the `&mut dyn VmHooks` it came from stays borrowed by the executor's
/// `execute` call for as long as the pointer exists. Host functions run one at a time, while
/// the thread that owns the borrow waits for the guest (Wasmer runs the guest on the calling
/// thread; the debugger on a frame thread while the caller blocks), so no other reference to
/// the hooks is used while one host function dereferences it. A nested frame gets its own
/// hooks and pointer; the outer one is not used again until the nested frame has returned.
#[derive(Debug)]
pub struct HooksPtr(*mut (dyn VmHooks + 'static));

// SAFETY: the pointee is used by one thread at a time, handed over with the synchronisation
// that starts and ends a frame (see the type's safety argument).
unsafe impl Send for HooksPtr {}

impl HooksPtr {
    /// Erases the borrow's lifetime; see the type's safety argument.
    pub fn new(hooks: &mut dyn VmHooks) -> Self {
        let ptr: *mut (dyn VmHooks + '_) = hooks;
        // SAFETY: only the trait object's lifetime bound changes (same layout); the owner
        // drops the pointer before the borrow ends.
        Self(unsafe { std::mem::transmute::<*mut (dyn VmHooks + '_), *mut (dyn VmHooks + 'static)>(ptr) })
    }

    /// The hooks.
    ///
    /// # Safety
    /// The frame this pointer was made for must still be running, and no other reference to
    /// its hooks may be in use (see the type's safety argument).
    pub unsafe fn get<'a>(&self) -> &'a mut dyn VmHooks {
        // SAFETY: upheld by the caller.
        unsafe { &mut *self.0 }
    }
}
