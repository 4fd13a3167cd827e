//! A finished frame as the chain sees it.

use world_mock::revm::primitives::Bytes;
use world_mock::stylus::{StylusCall, StylusOutcome, StylusStatus};

/// Whether the executor's ink figure is nitro's (every opcode metered) or only a partial
/// count (hostio charges only), which the chain must not report as ink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metering {
    /// Every opcode and hostio is charged as nitro charges it.
    Exact,
    /// Only some work is charged; the frame reports no ink.
    None,
}

/// Builds a frame's outcome. The ink used is the ink at entry minus the ink left (zero left
/// after `OutOfInk`). The gas used is the call's gas limit minus the gas left, where gas left is
/// `ink_left / ink_price` rounded down; `OutOfInk` and `OutOfStack` use all the gas.
pub fn frame_outcome(
    call: &StylusCall,
    status: StylusStatus,
    ink_left: u64,
    output: Bytes,
    detail: Option<String>,
    metering: Metering,
) -> StylusOutcome {
    let ink_left = match status {
        StylusStatus::OutOfInk => 0,
        _ => ink_left.min(call.ink_limit),
    };
    let gas_left = match status {
        StylusStatus::OutOfInk | StylusStatus::OutOfStack => 0,
        _ => ink_left / u64::from(call.params.ink_price.max(1)),
    };
    let ink_used = match metering {
        Metering::Exact => Some(call.ink_limit - ink_left),
        Metering::None => None,
    };
    StylusOutcome { status, output, gas_used: call.gas_limit.saturating_sub(gas_left), ink_used, detail }
}
