//! Hostio traces: each hostio call of a traced frame becomes a `HostioRecord` (nitro's
//! `stylusTracer` shape) — its name, the bytes it read from the program's memory, the bytes it
//! wrote there followed by its result, and the ink before and after it.

use world_mock::revm::primitives::Bytes;
use world_mock::stylus::HostioRecord;

use crate::{Escape, Host};

/// The record of the hostio running now.
#[derive(Clone, Debug, Default)]
pub(crate) struct Capture {
    pub(crate) args: Vec<u8>,
    pub(crate) outs: Vec<u8>,
}

/// A hostio's result as trace bytes (big-endian; nothing for `()`).
pub trait TraceValue {
    /// The bytes.
    fn trace_bytes(&self) -> Vec<u8>;
}

impl TraceValue for () {
    fn trace_bytes(&self) -> Vec<u8> {
        Vec::new()
    }
}

impl TraceValue for bool {
    fn trace_bytes(&self) -> Vec<u8> {
        vec![u8::from(*self)]
    }
}

impl TraceValue for u32 {
    fn trace_bytes(&self) -> Vec<u8> {
        self.to_be_bytes().to_vec()
    }
}

impl TraceValue for u8 {
    fn trace_bytes(&self) -> Vec<u8> {
        vec![*self]
    }
}

/// Native lengths: recorded as the 32-bit values a WASM program would see.
impl TraceValue for usize {
    fn trace_bytes(&self) -> Vec<u8> {
        u32::try_from(*self).unwrap_or(u32::MAX).to_be_bytes().to_vec()
    }
}

impl TraceValue for u64 {
    fn trace_bytes(&self) -> Vec<u8> {
        self.to_be_bytes().to_vec()
    }
}

/// Runs the hostio `name` with `body`; when the frame is traced, records it with the hooks, and
/// when it is profiled, charges its ink to it.
pub fn traced<H: Host + ?Sized, T: TraceValue>(
    cx: &mut H,
    name: &'static str,
    body: impl FnOnce(&mut H) -> Result<T, Escape>,
) -> Result<T, Escape> {
    let tracing = cx.frame().tracing;
    if !tracing && cx.frame().profiler.is_none() {
        return body(cx);
    }
    let start_ink = ink_now(cx);
    if let Some(profiler) = &mut cx.frame().profiler {
        profiler.enter_hostio(name, start_ink);
    }
    if tracing {
        cx.frame().capture = Some(Capture::default());
    }
    let result = body(cx);
    let end_ink = ink_now(cx);
    if let Some(profiler) = &mut cx.frame().profiler {
        profiler.exit_hostio(end_ink);
    }
    if !tracing {
        return result;
    }
    let capture = cx.frame().capture.take().unwrap_or_default();
    let mut outs = capture.outs;
    if let Ok(value) = &result {
        outs.extend(value.trace_bytes());
    }
    let record = HostioRecord { name, args: Bytes::from(capture.args), outs: Bytes::from(outs), start_ink, end_ink };
    if let Ok(hooks) = cx.hooks() {
        hooks.record_hostio(record);
    }
    result
}

/// The ink left (0 once exhausted or when not metered).
pub(crate) fn ink_now<H: Host + ?Sized>(cx: &mut H) -> u64 {
    match cx.meter() {
        Ok(Some((left, false))) => left,
        _ => 0,
    }
}
