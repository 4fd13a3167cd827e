//! Instances reused between frames of the same program. Creating a store, the 42 host
//! functions and an instance was most of a small frame's cost (a counter `increment()`).
//!
//! A frame that ends with its memory at the size it was instantiated with gives its instance
//! back, reset to what instantiation left: every global of its store (the module's own, with the
//! ink, stack and profile globals of the instrumentation and non-exported ones such as the
//! shadow stack pointer) gets its value from right after instantiation back, and every page
//! of its memory its content after instantiation: a small memory (most Stylus programs have one
//! or two WASM pages) is compared page by page and only the pages that differ are rewritten; in
//! a larger one, the pages that instantiation wrote (data segments) are copied back and the
//! others zeroed (in place if the frame touched them, else discarded with
//! `madvise(MADV_DONTNEED)`). The host data is replaced by the next frame's.
//!
//! Only modules whose remaining instance state cannot change are pooled: no start function, and
//! none of the instructions that change tables or segments (`table.*`, `elem.drop`,
//! `memory.init`, `data.drop`; nitro's activation rejects them anyway). A memory that grew is
//! not reused: its instance is dropped. The differential tests in `tests/executor/pool.rs` run
//! programs, fixtures and generated modules on pooled and fresh instances.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use wasmer::sys::wasmparser::{Operator, Parser, Payload};
use wasmer::{AsStoreMut, FunctionEnv, Global, Memory, Pages, Store, TypedFunction};
use world_mock::revm::primitives::B256;

use crate::engine::Instrumentation;
use crate::host::HostData;

/// Idle instances kept per thread: each holds a memory reservation (8 GiB of address space).
const IDLE_MAX: usize = 32;

/// Identifies what an instance runs: the module and the instrumentation it was compiled with.
pub(crate) type ProgramKey = (B256, Instrumentation);

/// An instance with the handles a frame uses.
pub(crate) struct Ready {
    pub(crate) store: Store,
    pub(crate) env: FunctionEnv<HostData>,
    pub(crate) memory: Memory,
    pub(crate) entry: TypedFunction<u32, u32>,
    pub(crate) ink_left: Option<Global>,
    pub(crate) ink_status: Option<Global>,
    pub(crate) stack_left: Option<Global>,
    pub(crate) profile_flag: Option<Global>,
    /// The state instantiation left, to reset to (`None`: the module is not pooled).
    pub(crate) initial: Option<Initial>,
}

/// What an instance looked like right after instantiation.
pub(crate) struct Initial {
    globals: Vec<u128>,
    pages: Pages,
    /// The non-zero 4 KiB pages of its memory, by offset.
    written: Vec<(usize, Box<[u8]>)>,
}

const PAGE: usize = 4096;

/// Touched pages zeroed in place at most (beyond the written ones); more are discarded.
const ZERO_IN_PLACE_MAX: usize = 32;

/// Memories up to this size are reset by comparing each page with its content after
/// instantiation, without a system call: reading 256 KiB costs about what `mincore` and
/// `madvise` cost on a few pages (Stylus programs usually have one or two WASM pages).
const SCAN_MAX: usize = 256 * 1024;

impl Initial {
    /// Records a freshly instantiated instance's globals and memory.
    pub(crate) fn capture(store: &mut Store, memory: &Memory) -> Self {
        let globals = store.objects_mut().as_sys().as_u128_globals();
        let view = memory.view(store);
        let pages = view.size();
        let len = view.data_size() as usize;
        // SAFETY: the view describes the memory's accessible bytes; nothing runs in it now.
        let bytes = unsafe { std::slice::from_raw_parts(view.data_ptr(), len) };
        let written = bytes
            .chunks(PAGE)
            .enumerate()
            .filter(|(_, chunk)| chunk.iter().any(|b| *b != 0))
            .map(|(i, chunk)| (i * PAGE, Box::from(chunk)))
            .collect();
        let initial = Self { globals, pages, written };
        // Reading mapped every page; dropping the zero ones again keeps them out of the pages
        // `restore` zeroes in place. The contents do not change.
        // SAFETY: as above; the instance has not run yet.
        unsafe { initial.reset_memory(view.data_ptr(), len, false) };
        initial
    }

    /// Puts `ready` back in its state after instantiation; false if it cannot be (its memory
    /// grew, or could not be discarded).
    fn restore(&self, ready: &mut Ready) -> bool {
        let store = &mut ready.store;
        let view = ready.memory.view(store);
        if view.size() != self.pages {
            return false;
        }
        let (base, len) = (view.data_ptr(), view.data_size() as usize);
        let reset = if len <= SCAN_MAX {
            // SAFETY: `base..base + len` is the memory's accessible bytes, which no frame uses now.
            self.rewrite_changed(unsafe { std::slice::from_raw_parts_mut(base, len) });
            true
        } else {
            // SAFETY: `base..base + len` is the memory's own private anonymous mapping, which no
            // frame uses now.
            unsafe { self.reset_memory(base, len, true) }
        };
        if !reset {
            return false;
        }
        let objects = store.objects_mut().as_sys();
        for (index, value) in self.globals.iter().enumerate() {
            // Same store, same globals, same types: the raw values are the ones read earlier.
            objects.set_global_unchecked(index, *value);
        }
        true
    }

    /// Gives every page of `memory` its content after instantiation, rewriting only the pages
    /// that differ from it (reading a page the frame never touched maps the shared zero page).
    fn rewrite_changed(&self, memory: &mut [u8]) {
        let mut written = self.written.iter().peekable();
        for (index, page) in memory.chunks_mut(PAGE).enumerate() {
            match written.next_if(|(offset, _)| *offset == index * PAGE) {
                Some((_, bytes)) if **bytes != *page => page.copy_from_slice(bytes),
                Some(_) => {}
                None if !is_zero(page) => page.fill(0),
                None => {}
            }
        }
    }

    /// Gives every page of the memory at `base` its content after instantiation: pages that
    /// instantiation wrote are copied back, pages in RAM (those the frame touched) are zeroed in
    /// place, and the others are discarded (`MADV_DONTNEED`: they read as zero, like fresh ones).
    /// Residency only picks the cheaper way; every page is rewritten or discarded either way.
    /// Without `in_place`, every page that instantiation did not write is discarded.
    ///
    /// # Safety
    /// `base..base + len` must be a private anonymous mapping that nothing else uses now, of the
    /// size this snapshot was captured at.
    unsafe fn reset_memory(&self, base: *mut u8, len: usize, in_place: bool) -> bool {
        let pages = len.div_ceil(PAGE);
        let mut resident = vec![0u8; pages];
        // SAFETY: the range is mapped (see above) and `resident` has a byte per page.
        let known = in_place && unsafe { libc::mincore(base.cast(), len, resident.as_mut_ptr()) } == 0;
        let touched = resident.iter().filter(|r| *r & 1 == 1).count();
        // Zeroing in place beats a page fault per page, up to a bound: a frame that touched
        // much more is the exception, and its pages are discarded.
        if !known || touched > self.written.len() + ZERO_IN_PLACE_MAX {
            resident.fill(0);
        }
        let mut written = self.written.iter().peekable();
        let mut page = 0;
        while page < pages {
            let at = page * PAGE;
            let size = PAGE.min(len - at);
            if let Some((_, bytes)) = written.next_if(|(offset, _)| *offset == at) {
                // SAFETY: in bounds: captured from a memory of this same size.
                unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), base.add(at), bytes.len()) };
                page += 1;
            } else if resident[page] & 1 == 1 {
                // SAFETY: in bounds, see above.
                unsafe { std::ptr::write_bytes(base.add(at), 0, size) };
                page += 1;
            } else {
                let start = page;
                while page < pages
                    && resident[page] & 1 == 0
                    && written.peek().is_none_or(|(offset, _)| *offset != page * PAGE)
                {
                    page += 1;
                }
                let (from, to) = (start * PAGE, (page * PAGE).min(len));
                // SAFETY: a page-aligned subrange of the mapping (its base is page-aligned).
                if unsafe { libc::madvise(base.add(from).cast(), to - from, libc::MADV_DONTNEED) } != 0 {
                    return false;
                }
            }
        }
        true
    }
}

/// Whether every byte of `bytes` (at most a page) is zero: compared with a zero page, since
/// slice equality is a vectorised `memcmp`.
fn is_zero(bytes: &[u8]) -> bool {
    static ZERO_PAGE: [u8; PAGE] = [0; PAGE];
    *bytes == ZERO_PAGE[..bytes.len()]
}

/// Which modules can be pooled; the idle instances themselves are kept per thread (a Wasmer
/// store cannot move between threads), tagged with this pool's id.
#[derive(Debug)]
pub(crate) struct InstancePool {
    id: u64,
    poolable: Mutex<HashMap<ProgramKey, bool>>,
}

type Idle = VecDeque<(u64, ProgramKey, Ready)>;

thread_local! {
    /// This thread's idle instances, oldest first.
    static IDLE: RefCell<Idle> = const { RefCell::new(VecDeque::new()) };
}

impl Default for InstancePool {
    fn default() -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Self { id: NEXT_ID.fetch_add(1, Ordering::Relaxed), poolable: Mutex::default() }
    }
}

impl InstancePool {
    /// An idle instance of `key` on this thread, reset to its state after instantiation.
    pub(crate) fn take(&self, key: &ProgramKey) -> Option<Ready> {
        IDLE.with_borrow_mut(|idle| {
            let at = idle.iter().rposition(|(pool, k, _)| *pool == self.id && k == key)?;
            idle.remove(at).map(|(_, _, ready)| ready)
        })
    }

    /// Whether instances of `key` (whose WASM is `wasm`) may be reused; decided once per module.
    pub(crate) fn poolable(&self, key: &ProgramKey, wasm: &[u8]) -> bool {
        let mut known = self.poolable.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *known.entry(*key).or_insert_with(|| state_is_globals_and_memory(wasm))
    }

    /// Takes back an instance after its frame: reset and kept, or dropped.
    pub(crate) fn give_back(&self, key: ProgramKey, mut ready: Ready) {
        let Some(initial) = ready.initial.take() else { return };
        if !initial.restore(&mut ready) {
            return;
        }
        ready.initial = Some(initial);
        let evicted = IDLE.with_borrow_mut(|idle| {
            idle.push_back((self.id, key, ready));
            (idle.len() > IDLE_MAX).then(|| idle.pop_front())
        });
        // Dropped outside the borrow (unmapping a memory is a system call).
        drop(evicted);
    }
}

/// True when an instance's only mutable state is its globals and its memory: no start function
/// and no instruction that changes a table or a segment.
fn state_is_globals_and_memory(wasm: &[u8]) -> bool {
    for payload in Parser::new(0).parse_all(wasm) {
        match payload {
            Ok(Payload::StartSection { .. }) | Err(_) => return false,
            Ok(Payload::CodeSectionEntry(body)) => {
                let Ok(mut reader) = body.get_operators_reader() else { return false };
                while !reader.eof() {
                    match reader.read() {
                        Ok(op) if changes_tables_or_segments(&op) => return false,
                        Ok(_) => {}
                        Err(_) => return false,
                    }
                }
            }
            Ok(_) => {}
        }
    }
    true
}

fn changes_tables_or_segments(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::TableInit { .. }
            | Operator::TableCopy { .. }
            | Operator::TableSet { .. }
            | Operator::TableGrow { .. }
            | Operator::TableFill { .. }
            | Operator::ElemDrop { .. }
            | Operator::MemoryInit { .. }
            | Operator::DataDrop { .. }
    )
}
