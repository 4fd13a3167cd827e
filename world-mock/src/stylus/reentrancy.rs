//! Open call frames of the running transaction, for `msg_reentrant` (stylus-semantics §3.4):
//! nitro counts open frames per acting address, skipping DELEGATECALL/CALLCODE frames, and a
//! program is re-entered when its address has more than one open frame. EVM and Stylus frames
//! count alike.
//!
//! revm gives no hook when a frame *ends*, but it asks the router about every call frame when
//! it *starts*, at journal depth `d`. Frames at depth `d` or deeper must have ended by then, so
//! the list is cut back to depths below `d` before the new frame is pushed; the list is thus
//! always the chain of open frames plus, at its end, frames that ended since the last start.
//!
//! CREATE/CREATE2 frames never reach the router. When a call frame's parent (known from its
//! inputs) is missing or does not match the recorded frame one level up, the parent must be
//! such a create frame; it is recorded then (it counts: create frames are never delegate
//! frames). A create frame whose own parent is another create frame is not seen; that can only
//! matter if an address that already ran at that depth is called again from the inner init
//! code, and is accepted as a known gap.

use revm::interpreter::{CallInputs, CallScheme};
use revm::primitives::Address;

#[derive(Clone, Copy, Debug)]
struct OpenFrame {
    depth: usize,
    address: Address,
    /// `msg.sender` of the frame (unknown, zero, for an inferred create frame).
    caller: Address,
    /// False for DELEGATECALL/CALLCODE frames, which nitro does not count.
    counted: bool,
}

/// The open frames of one transaction, strictly increasing in depth.
#[derive(Debug, Default)]
pub(crate) struct OpenFrames {
    frames: Vec<OpenFrame>,
}

impl OpenFrames {
    /// No frame open, the list's room kept for the next transaction.
    pub(crate) fn emptied(mut self) -> Self {
        self.frames.clear();
        self
    }

    /// Records a call frame starting at journal depth `depth` (1 for the transaction's frame).
    pub(crate) fn enter(&mut self, depth: usize, inputs: &CallInputs) {
        let keep = self.frames.partition_point(|f| f.depth < depth);
        self.frames.truncate(keep);
        let delegated = matches!(inputs.scheme, CallScheme::DelegateCall | CallScheme::CallCode);
        if depth > 1 {
            // The acting address of the frame that made this call.
            let parent = if delegated { inputs.target_address } else { inputs.caller };
            let matches = |f: &OpenFrame| f.depth + 1 == depth && f.address == parent;
            if !self.frames.last().is_some_and(matches) {
                if self.frames.last().is_some_and(|f| f.depth + 1 == depth) {
                    // Ended; a create frame now sits at that depth.
                    self.frames.pop();
                }
                self.frames.push(OpenFrame { depth: depth - 1, address: parent, caller: Address::ZERO, counted: true });
            }
        }
        self.frames.push(OpenFrame {
            depth,
            address: inputs.target_address,
            caller: inputs.caller,
            counted: !delegated,
        });
    }

    /// `msg.sender` of the open frame at `depth`, if it is known.
    pub(crate) fn caller_at(&self, depth: usize) -> Option<Address> {
        self.frames.iter().find(|f| f.depth == depth).map(|f| f.caller)
    }

    /// Whether `address` has more than one counted open frame at depths up to `depth` (the
    /// asking frame's own depth; deeper entries are children that have returned).
    pub(crate) fn reentrant(&self, depth: usize, address: Address) -> bool {
        let open = self.frames.iter().take_while(|f| f.depth <= depth);
        open.filter(|f| f.counted && f.address == address).count() > 1
    }
}
