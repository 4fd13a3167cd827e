//! The host side of an ink profile: a shadow call stack fed by the executor's function entry
//! and exit events, charging the ink spent between two events to the stack that was running.
//! Hostio calls are stacks of their own (the hostio under its caller), so their price shows
//! apart from the code around them. Profiling only observes the meter: it never charges.

use std::collections::{BTreeMap, HashMap};

use world_mock::stylus::{FrameProfile, ProfileNode};

use crate::{Escape, Host};

/// A node of the stack tree: one distinct stack.
#[derive(Clone, Debug)]
struct Node {
    parent: usize,
    label: Option<ProfileNode>,
    children: HashMap<ProfileNode, usize>,
    ink: u64,
}

/// The profile of one running frame.
#[derive(Clone, Debug)]
pub struct Profiler {
    /// Node 0 is the empty stack (ink spent before the first function entry).
    nodes: Vec<Node>,
    current: usize,
    last_ink: u64,
    calls: BTreeMap<ProfileNode, u64>,
}

impl Profiler {
    /// A profile of a frame that starts with `ink_left`.
    pub fn new(ink_left: u64) -> Self {
        let root = Node { parent: 0, label: None, children: HashMap::new(), ink: 0 };
        Self { nodes: vec![root], current: 0, last_ink: ink_left, calls: BTreeMap::new() }
    }

    /// Charges the ink spent since the last event to the stack running until now.
    fn charge(&mut self, ink_left: u64) {
        let spent = self.last_ink.saturating_sub(ink_left);
        self.nodes[self.current].ink = self.nodes[self.current].ink.saturating_add(spent);
        self.last_ink = ink_left;
    }

    fn push(&mut self, label: ProfileNode) {
        *self.calls.entry(label).or_default() += 1;
        let parent = self.current;
        self.current = match self.nodes[parent].children.get(&label) {
            Some(&child) => child,
            None => {
                self.nodes.push(Node { parent, label: Some(label), children: HashMap::new(), ink: 0 });
                let child = self.nodes.len() - 1;
                self.nodes[parent].children.insert(label, child);
                child
            }
        };
    }

    /// Function `index` starts.
    pub fn enter(&mut self, index: u32, ink_left: u64) {
        self.charge(ink_left);
        self.push(ProfileNode::Function(index));
    }

    /// Function `index` returns: the stack unwinds to its caller. An exit that matches no
    /// running function is ignored.
    pub fn exit(&mut self, index: u32, ink_left: u64) {
        self.charge(ink_left);
        let mut node = self.current;
        while node != 0 {
            if self.nodes[node].label == Some(ProfileNode::Function(index)) {
                self.current = self.nodes[node].parent;
                return;
            }
            node = self.nodes[node].parent;
        }
    }

    /// A hostio starts (the ink before it went to its caller).
    pub(crate) fn enter_hostio(&mut self, name: &'static str, ink_left: u64) {
        self.charge(ink_left);
        self.push(ProfileNode::Hostio(name));
    }

    /// The running hostio ends.
    pub(crate) fn exit_hostio(&mut self, ink_left: u64) {
        self.charge(ink_left);
        if matches!(self.nodes[self.current].label, Some(ProfileNode::Hostio(_))) {
            self.current = self.nodes[self.current].parent;
        }
    }

    /// The stack running now, outermost first.
    pub fn stack(&self) -> Vec<ProfileNode> {
        let mut stack = Vec::new();
        let mut node = self.current;
        while let Some(label) = self.nodes[node].label {
            stack.push(label);
            node = self.nodes[node].parent;
        }
        stack.reverse();
        stack
    }

    /// The frame ended with `ink_left`: the rest goes to the stack running then (a trap or an
    /// early exit leaves it open).
    pub fn finish(mut self, ink_left: u64) -> FrameProfile {
        self.charge(ink_left);
        let mut stacks = BTreeMap::new();
        for index in 0..self.nodes.len() {
            if self.nodes[index].ink > 0 {
                self.current = index;
                stacks.insert(self.stack(), self.nodes[index].ink);
            }
        }
        FrameProfile { stacks, calls: self.calls }
    }
}

/// Tells the hooks where the nested call or create about to start is made from (profiled
/// frames only).
pub(crate) fn announce_call_site(cx: &mut (impl Host + ?Sized)) -> Result<(), Escape> {
    if let Some(stack) = cx.frame().profiler.as_ref().map(Profiler::stack) {
        cx.hooks()?.profile_call_site(stack);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{ProfileNode, Profiler};

    #[test]
    fn ink_between_events_goes_to_the_running_stack() {
        let mut profiler = Profiler::new(1_000);
        profiler.enter(3, 1_000);
        profiler.enter(5, 900); // 100 in f3
        profiler.enter_hostio("storage_load_bytes32", 850); // 50 in f5
        assert_eq!(
            profiler.stack(),
            [ProfileNode::Function(3), ProfileNode::Function(5), ProfileNode::Hostio("storage_load_bytes32")]
        );
        profiler.exit_hostio(600); // 250 in the hostio
        profiler.exit(5, 590); // 10 more in f5
        profiler.enter(5, 580); // 10 in f3
        let profile = profiler.finish(500); // a trap in the second f5: 80 there
        let f = ProfileNode::Function;
        assert_eq!(profile.stacks[&vec![f(3)]], 110);
        assert_eq!(profile.stacks[&vec![f(3), f(5)]], 140);
        assert_eq!(profile.stacks[&vec![f(3), f(5), ProfileNode::Hostio("storage_load_bytes32")]], 250);
        assert_eq!(profile.total(), 500);
        assert_eq!(profile.calls[&ProfileNode::Function(5)], 2);
        assert_eq!(profile.calls[&ProfileNode::Hostio("storage_load_bytes32")], 1);
    }

    #[test]
    fn an_unmatched_exit_changes_no_stack() {
        let mut profiler = Profiler::new(100);
        profiler.enter(1, 100);
        profiler.exit(7, 90);
        assert_eq!(profiler.stack(), [ProfileNode::Function(1)]);
    }
}
