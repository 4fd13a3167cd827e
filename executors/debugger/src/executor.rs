//! [`DebuggerExecutor`]: the [`StylusExecutor`] that runs programs' native forms.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use hostio::{Metering, frame_outcome};
use world_mock::revm::primitives::{B256, Bytes};
use world_mock::stylus::{StylusCall, StylusExecutor, StylusOutcome, StylusStatus, VmHooks};

use crate::host::NativeHost;
use crate::native::NativeProgram;
use crate::worker::{Ended, Job, frame_channel, run};

/// Runs Stylus programs natively: each program's code hash maps to the native library built
/// from the same contract crate as its WASM. Frames report no ink (native code is not metered).
///
/// # Examples
/// ```no_run
/// use executor_debugger::{DebuggerExecutor, NativeProgram};
/// let executor = DebuggerExecutor::default();
/// let program = NativeProgram::load("target/diorama/native/libcounter.so".as_ref()).unwrap();
/// executor.register([0u8; 32].into(), program);
/// ```
#[derive(Debug, Default)]
pub struct DebuggerExecutor {
    programs: RwLock<HashMap<B256, Arc<NativeProgram>>>,
}

impl DebuggerExecutor {
    /// Runs the program with code hash `codehash` with `program`.
    pub fn register(&self, codehash: B256, program: Arc<NativeProgram>) {
        self.programs.write().unwrap_or_else(|p| p.into_inner()).insert(codehash, program);
    }

    /// Whether the program with code hash `codehash` has a native form here.
    pub fn has(&self, codehash: B256) -> bool {
        self.programs.read().unwrap_or_else(|p| p.into_inner()).contains_key(&codehash)
    }

    /// Capture a backtrace with every contract panic (process-wide; costs milliseconds each).
    pub fn set_backtraces(on: bool) {
        crate::table::BACKTRACES.store(on, std::sync::atomic::Ordering::Relaxed);
    }
}

impl StylusExecutor for DebuggerExecutor {
    fn name(&self) -> &'static str {
        "debugger"
    }

    fn execute(&self, call: &StylusCall, hooks: &mut dyn VmHooks) -> StylusOutcome {
        let program = self.programs.read().unwrap_or_else(|p| p.into_inner()).get(&call.program.codehash).cloned();
        let Some(program) = program else {
            let detail = format!("no native form of the program with code hash {}", call.program.codehash);
            return frame_outcome(call, StylusStatus::InvalidCode, 0, Bytes::new(), Some(detail), Metering::None);
        };
        let (done, ended) = frame_channel();
        let job = Job { entry: program.entry(), host: NativeHost::new(call, hooks), done };
        let outcome =
            |status, ink_left, output, detail| frame_outcome(call, status, ink_left, output, detail, Metering::None);
        match run(job, &ended) {
            Ended::Returned { status, host } => {
                let status = if status == 0 { StylusStatus::Success } else { StylusStatus::Revert };
                outcome(status, host.ink_left, host.frame.outs, None)
            }
            Ended::Escaped { escape: escape @ hostio::Escape::Exit(_), ink_left, outs } => {
                outcome(escape.status(), ink_left, outs, None)
            }
            Ended::Escaped { escape, ink_left, .. } => {
                outcome(escape.status(), ink_left, Bytes::new(), Some(escape.to_string()))
            }
            Ended::Panicked { message, backtrace, ink_left } => {
                let mut detail = message.replacen("panicked at ", "panic at ", 1);
                if !backtrace.is_empty() {
                    detail.push_str("\nbacktrace:\n");
                    detail.push_str(&contract_frames(&backtrace));
                }
                outcome(StylusStatus::Failure, ink_left, Bytes::new(), Some(detail))
            }
        }
    }
}

/// The frames of a panic's backtrace that belong to the contract: from the one that panicked
/// (below the panic machinery and the wrapper's hook) to the entrypoint (above diorama's
/// frame thread). Each frame is a `N: function` line and its `at file:line` lines.
fn contract_frames(backtrace: &str) -> String {
    let mut frames: Vec<Vec<&str>> = Vec::new();
    for line in backtrace.lines() {
        let is_frame = line.trim_start().split_once(": ").is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()));
        match frames.last_mut() {
            Some(frame) if !is_frame => frame.push(line),
            _ => frames.push(vec![line]),
        }
    }
    let name = |frame: &[&str]| frame[0].trim_start().split_once(": ").map_or("", |(_, name)| name).to_string();
    let machinery = ["std::", "core::", "alloc::", "<alloc::", "__rustc::", "rust_begin_unwind", "diorama_native_"];
    let end = frames
        .iter()
        .position(|f| matches!(name(f).as_str(), "user_entrypoint" | crate::abi::ROUTER_ENTRYPOINT))
        .map_or(frames.len(), |i| i + 1);
    let start =
        frames[..end].iter().rposition(|f| machinery.iter().any(|m| name(f).starts_with(m))).map_or(0, |i| i + 1);
    if start >= end {
        return backtrace.to_string();
    }
    frames[start..end].iter().flatten().copied().collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::contract_frames;

    #[test]
    fn backtrace_keeps_the_contract_frames() {
        let backtrace = "   0: diorama_native_x::install::{{closure}}\n             at lib.rs:1\n   1: core::panicking::panic_fmt\n             at core.rs:2\n   2: x::X::explode\n             at src/lib.rs:31:9\n   3: user_entrypoint\n             at src/lib.rs:21:5\n   4: serve\n             at worker.rs:9\n   5: std::sys::thread\n             at thread.rs:1";
        let kept = contract_frames(backtrace);
        assert!(kept.starts_with("   2: x::X::explode"), "{kept}");
        assert!(kept.trim_end().ends_with("at src/lib.rs:21:5"), "{kept}");
        assert!(!kept.contains("serve"));
    }
}
