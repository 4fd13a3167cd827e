//! Frame threads. Each native frame runs on a thread of its own, so that a frame can be stopped
//! in the middle of the contract's code: a panic (from the library's panic hook) or a hostio
//! that ends the frame (`exit_early`, a hook failure, running out of ink) reports how the frame
//! ended to the thread waiting in `execute`, then parks its own thread for good instead of
//! unwinding into the contract's `extern "C"` entrypoint (which would abort the process). The
//! parked thread and what the contract had allocated are leaked; the world, owned by the
//! waiting thread, is untouched.
//!
//! Threads whose frames returned normally go back to a pool. A nested native frame (a call
//! that reaches another native contract) runs on another pool thread while its caller's thread
//! waits inside the call hostio.

use std::cell::Cell;
use std::ptr::NonNull;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use hostio::Escape;

use crate::host::NativeHost;

/// Stack of a frame thread: nested EVM and WASM frames reached from a native frame run on it.
const FRAME_STACK_BYTES: usize = 256 << 20;

/// A contract's `user_entrypoint(args_len) -> status`.
pub(crate) type EntryFn = unsafe extern "C" fn(usize) -> usize;

/// A frame to run.
pub(crate) struct Job {
    pub(crate) entry: EntryFn,
    pub(crate) host: NativeHost,
    pub(crate) done: SyncSender<Ended>,
}

/// How a frame ended.
#[derive(Debug)]
pub(crate) enum Ended {
    /// `user_entrypoint` returned this status.
    Returned { status: usize, host: Box<NativeHost> },
    /// A hostio stopped the frame (`outs`: the last `write_result`, kept by `exit_early`).
    Escaped { escape: Escape, ink_left: u64, outs: world_mock::revm::primitives::Bytes },
    /// The contract panicked.
    Panicked { message: String, backtrace: String, ink_left: u64 },
}

/// The frame running on this thread.
struct Running {
    host: NativeHost,
    done: SyncSender<Ended>,
}

thread_local! {
    static CURRENT: Cell<Option<NonNull<Running>>> = const { Cell::new(None) };
}

/// Idle frame threads.
static POOL: Mutex<Vec<Sender<Job>>> = Mutex::new(Vec::new());

/// Runs `job` on a frame thread and waits for it to end.
pub(crate) fn run(job: Job, done: &Receiver<Ended>) -> Ended {
    let mut job = job;
    let worker = loop {
        let idle = POOL.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let worker = match idle {
            Some(worker) => worker,
            None => match spawn() {
                Ok(worker) => worker,
                Err(error) => {
                    let escape = Escape::failure(format!("cannot start a native frame thread: {error}"));
                    return Ended::Escaped { escape, ink_left: job.host.ink_left, outs: Default::default() };
                }
            },
        };
        match worker.send(job) {
            Ok(()) => break worker,
            Err(returned) => job = returned.0, // that thread is gone; try another
        }
    };
    match done.recv() {
        Ok(ended) => {
            if matches!(ended, Ended::Returned { .. }) {
                POOL.lock().unwrap_or_else(|p| p.into_inner()).push(worker);
            }
            ended
        }
        Err(_) => {
            let escape = Escape::failure("the native frame thread ended without a result");
            Ended::Escaped { escape, ink_left: 0, outs: Default::default() }
        }
    }
}

fn spawn() -> std::io::Result<Sender<Job>> {
    let (sender, jobs) = channel::<Job>();
    std::thread::Builder::new()
        .name("diorama-native-frame".into())
        .stack_size(FRAME_STACK_BYTES)
        .spawn(move || serve(jobs))?;
    Ok(sender)
}

fn serve(jobs: Receiver<Job>) {
    while let Ok(Job { entry, host, done }) = jobs.recv() {
        let args_len = host.frame.args.len();
        let mut running = Running { host, done };
        CURRENT.set(Some(NonNull::from(&mut running)));
        // SAFETY: `entry` is the contract library's `user_entrypoint`, whose ABI the wrapper
        // checked at load time; the library is never unloaded.
        let status = unsafe { entry(args_len) };
        CURRENT.set(None);
        let Running { host, done } = running;
        let _ = done.send(Ended::Returned { status, host: Box::new(host) });
    }
}

/// Runs `body` with the frame running on this thread. Returns `None` if no frame runs here
/// (a hostio called from a thread the contract started itself).
pub(crate) fn with_frame<T>(body: impl FnOnce(&mut NativeHost) -> T) -> Option<T> {
    let running = CURRENT.get()?;
    // SAFETY: `serve` set the pointer to its own `Running`, which lives until the entrypoint
    // returns; hostios run on this thread, one at a time, inside that call.
    Some(body(unsafe { &mut (*running.as_ptr()).host }))
}

/// Ends the frame running on this thread with `ended` and parks the thread for good.
pub(crate) fn abandon(ended: impl FnOnce(&NativeHost) -> Ended) -> ! {
    if let Some(running) = CURRENT.get() {
        // SAFETY: as in `with_frame`; the frame never resumes after this.
        let running = unsafe { &*running.as_ptr() };
        let _ = running.done.send(ended(&running.host));
    } else {
        eprintln!("diorama: a native contract stopped outside any frame");
        std::process::abort();
    }
    loop {
        std::thread::park();
    }
}

/// A channel for one frame's end.
pub(crate) fn frame_channel() -> (SyncSender<Ended>, Receiver<Ended>) {
    sync_channel(1)
}
