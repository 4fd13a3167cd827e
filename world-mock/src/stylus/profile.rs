//! Ink profiles of Stylus frames: where a frame's ink went, by call stack of the program's own
//! functions (and the hostios they called). An executor that can see function boundaries
//! records one per frame when the chain asks ([`super::VmHooks::profiles_functions`]); the
//! runner names the functions and folds the frames of a transaction into one flame.

use std::collections::BTreeMap;

/// One level of a profiled call stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProfileNode {
    /// A function of the program, by its index in the WASM function space (imports first).
    Function(u32),
    /// A hostio the function above called (`storage_load_bytes32`).
    Hostio(&'static str),
}

/// Where one frame's ink went.
///
/// The stacks' ink adds up to the frame's ink (`ink_limit - ink_left`). The ink a hostio paid
/// for a nested call or create (the callee's gas) stays on that hostio's stack here; the
/// nested frame's [`crate::TraceFrame::call_site`] names the stack, so a reader can move it
/// under the callee.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrameProfile {
    /// Ink spent with exactly this stack (outermost function first), i.e. self ink.
    pub stacks: BTreeMap<Vec<ProfileNode>, u64>,
    /// How many times each function was entered and each hostio called.
    pub calls: BTreeMap<ProfileNode, u64>,
}

impl FrameProfile {
    /// All the ink of the frame.
    pub fn total(&self) -> u64 {
        self.stacks.values().fold(0, |sum, ink| sum.saturating_add(*ink))
    }
}
