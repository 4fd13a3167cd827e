//! Linear memories reused between frames. Each frame has its own instance and memory; creating
//! a memory reserves 8 GiB of address space (the static style: a 4 GiB bound plus guard pages,
//! so compiled code needs no bounds checks) and dropping it unmaps them. Those system calls
//! were most of an empty frame's cost.
//!
//! A memory that ends its frame at its initial size goes back to the pool with its pages
//! discarded (`madvise(MADV_DONTNEED)`: they read as zero again, like fresh pages), and the
//! next instance of a memory of the same type and style takes it: same size, same zeroed
//! contents, the same inaccessible pages past its end. A memory that grew is unmapped as before
//! (reusing it would leave its grown pages accessible past the next frame's size). The
//! differential test `pooled_memories_behave_like_fresh_ones` runs programs on both.

use std::collections::HashMap;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex};

use wasmer::sys::vm::{LinearMemory, MemoryError, VMMemory, VMMemoryDefinition, VMOwnedMemory};
use wasmer::{MemoryStyle, MemoryType, Pages};

/// Idle memories kept per kind: enough for nested frames, a bound on reserved address space.
const IDLE_PER_KIND: usize = 32;

/// Idle memories by type and style.
#[derive(Debug, Default)]
pub(crate) struct MemoryPool {
    idle: Mutex<HashMap<(MemoryType, MemoryStyle), Vec<VMOwnedMemory>>>,
}

impl MemoryPool {
    /// A memory for an instance whose definition lives at `location` (in its `VMContext`).
    pub(crate) fn memory(
        self: &Arc<Self>,
        ty: &MemoryType,
        style: &MemoryStyle,
        location: NonNull<VMMemoryDefinition>,
    ) -> Result<VMMemory, MemoryError> {
        let idle = self.lock().get_mut(&(*ty, *style)).and_then(Vec::pop);
        let inner = match idle {
            Some(memory) => memory,
            None => VMOwnedMemory::new(ty, style)?,
        };
        let memory = PooledMemory {
            initial: inner.size(),
            inner: Some(inner),
            location,
            kind: (*ty, *style),
            pool: self.clone(),
        };
        memory.sync();
        Ok(VMMemory(Box::new(memory)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(MemoryType, MemoryStyle), Vec<VMOwnedMemory>>> {
        self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes back a memory at its initial size, its pages discarded; others are dropped.
    fn give_back(&self, kind: (MemoryType, MemoryStyle), memory: VMOwnedMemory, initial: Pages) {
        if memory.size() != initial {
            return;
        }
        // SAFETY: the definition describes the memory's own accessible pages, a private
        // anonymous mapping that nothing else uses any more (its instance is gone); discarding
        // them makes them read as zero on the next access.
        let discarded = unsafe {
            let definition = memory.vmmemory().as_ref();
            definition.current_length == 0
                || libc::madvise(definition.base.cast(), definition.current_length, libc::MADV_DONTNEED) == 0
        };
        if !discarded {
            return;
        }
        let mut idle = self.lock();
        let list = idle.entry(kind).or_default();
        if list.len() < IDLE_PER_KIND {
            list.push(memory);
        }
    }
}

/// A pooled memory in use by one instance: an owned memory whose definition is copied to the
/// instance's own after every change (compiled code reads the instance's).
#[derive(Debug)]
struct PooledMemory {
    inner: Option<VMOwnedMemory>,
    location: NonNull<VMMemoryDefinition>,
    initial: Pages,
    kind: (MemoryType, MemoryStyle),
    pool: Arc<MemoryPool>,
}

// SAFETY: as for Wasmer's own memories with an instance-owned definition: `location` points
// into the instance's `VMContext`, which outlives the memory's use, and the store that owns
// both is used by one thread at a time.
unsafe impl Send for PooledMemory {}
// SAFETY: see `Send`; shared references only read through `location`.
unsafe impl Sync for PooledMemory {}

impl PooledMemory {
    fn inner(&self) -> &VMOwnedMemory {
        self.inner.as_ref().expect("present until dropped")
    }

    fn inner_mut(&mut self) -> &mut VMOwnedMemory {
        self.inner.as_mut().expect("present until dropped")
    }

    /// Copies the memory's base and length to the instance's definition.
    fn sync(&self) {
        // SAFETY: both point to live definitions (see `Send`); nothing else writes them now.
        unsafe {
            let own = self.inner().vmmemory().as_ref();
            let target = &mut *self.location.as_ptr();
            target.base = own.base;
            target.current_length = own.current_length;
        }
    }
}

impl LinearMemory for PooledMemory {
    fn ty(&self) -> MemoryType {
        self.inner().ty()
    }

    fn size(&self) -> Pages {
        self.inner().size()
    }

    fn style(&self) -> MemoryStyle {
        self.inner().style()
    }

    fn grow(&mut self, delta: Pages) -> Result<Pages, MemoryError> {
        let result = self.inner_mut().grow(delta);
        self.sync();
        result
    }

    fn grow_at_least(&mut self, min_size: u64) -> Result<(), MemoryError> {
        let result = self.inner_mut().grow_at_least(min_size);
        self.sync();
        result
    }

    fn reset(&mut self) -> Result<(), MemoryError> {
        let result = self.inner_mut().reset();
        self.sync();
        result
    }

    fn vmmemory(&self) -> NonNull<VMMemoryDefinition> {
        self.location
    }

    fn try_clone(&self) -> Result<Box<dyn LinearMemory + Send + Sync + 'static>, MemoryError> {
        Err(MemoryError::MemoryNotShared)
    }

    fn copy(&self) -> Result<Box<dyn LinearMemory + Send + Sync + 'static>, MemoryError> {
        LinearMemory::copy(self.inner())
    }
}

impl Drop for PooledMemory {
    fn drop(&mut self) {
        // The instance's definition may already be gone: only the owned memory is touched.
        if let Some(memory) = self.inner.take() {
            self.pool.give_back(self.kind, memory, self.initial);
        }
    }
}
