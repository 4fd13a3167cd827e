//! Where the ink meter charges and checks, decided per function body (`meter.rs` emits it).
//!
//! Every basic block is charged before it runs. Under [`MeterScheme::AtBoundaries`] only some
//! charges compare the ink with the cost first:
//! - a block that ends in a call or touches memory size or bulk memory (hostios, a callee's
//!   depth check, the heap bound's hostio, the dynamic meter): what it does is seen outside
//!   the instance, or reads the ink;
//! - a block priced above any `i64` ink (an unpriced operator) always traps;
//! - a loop's first block, unless the loop's back edges are checked instead: a `br L` or
//!   `br_if L` to a loop without parameters branches only while the ink is non-negative. A
//!   back edge checked that way costs no extra jump, where a check at the loop head does.
//!
//! So with a negative ink a program only runs forward, a bounded distance, until a check, a
//! trap or the frame's end stops it: the outcome is out of ink either way, as nitro's.
//!
//! A block entered only by falling through a `br_if` is charged together with the block before
//! it when that one cannot trap or be observed: the `br_if`, when taken, gives the ink back.
//! Not taking a `br_if` is a jump in singlepass's code either way, so the refund costs nothing
//! on the usual path and a charge is saved.

use wasmer::sys::wasmparser::{BlockType, Operator};

use super::meter::{MeterScheme, MeterState};
use crate::pricing::{ends_basic_block, op_ink_typed};

/// How a block is charged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Charge {
    /// `ink <u cost` traps, then `ink -= cost` (nitro).
    CheckUnsigned(i64),
    /// `ink <s cost` traps, then `ink -= cost + ahead` (`ahead`: the blocks charged with it).
    CheckSigned { cost: i64, ahead: i64 },
    /// `ink -= cost + ahead`, looked at later.
    Deferred { cost: i64, ahead: i64 },
    /// Always out of ink.
    Exhausted,
    /// Charged with an earlier block.
    Ahead,
}

/// The charges of one body, its checked back edges and its refunding exits.
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// `(index of the block's first operator, charge)`, in body order.
    pub(super) charges: Vec<(usize, Charge)>,
    /// Indexes of the `br`/`br_if` operators that branch only on a non-negative ink, sorted.
    pub(super) back_edges: Vec<usize>,
    /// `(index of a br_if, ink it gives back when taken)`, sorted.
    pub(super) refunds: Vec<(usize, i64)>,
}

/// Whether running `op` is seen outside the instance or reads the ink (see the module docs).
fn observable(op: &Operator<'_>) -> bool {
    use Operator::*;
    matches!(op, Call { .. } | CallIndirect { .. } | MemoryGrow { .. } | MemoryCopy { .. } | MemoryFill { .. })
}

/// Whether `op` can trap (unpriced operators are out of ink before they run).
fn may_trap(op: &Operator<'_>) -> bool {
    use Operator::*;
    matches!(
        op,
        Unreachable
            | I32Load { .. }
            | I64Load { .. }
            | I32Load8S { .. }
            | I32Load8U { .. }
            | I32Load16S { .. }
            | I32Load16U { .. }
            | I64Load8S { .. }
            | I64Load8U { .. }
            | I64Load16S { .. }
            | I64Load16U { .. }
            | I64Load32S { .. }
            | I64Load32U { .. }
            | I32Store { .. }
            | I64Store { .. }
            | I32Store8 { .. }
            | I32Store16 { .. }
            | I64Store8 { .. }
            | I64Store16 { .. }
            | I64Store32 { .. }
            | I32DivS
            | I32DivU
            | I32RemS
            | I32RemU
            | I64DivS
            | I64DivU
            | I64RemS
            | I64RemU
    ) || observable(op)
}

/// One loop of the body.
struct Loop {
    /// Index of the loop's first block (the operator after `loop`).
    head: usize,
    /// Its back edges can be checked: no `br_table` edge, no parameters.
    fusable: bool,
    /// Its `br`/`br_if` back edges.
    edges: Vec<usize>,
}

/// What a body's branches reach.
#[derive(Default)]
struct Flow {
    loops: Vec<Loop>,
    /// `br_if`s to a block or `if` without results: a taken one can run a refund first.
    plain_exits: Vec<usize>,
}

/// An open scope: a loop (by index) or a block whose branches carry `arity` values (`None`:
/// the function body).
#[derive(Clone, Copy)]
enum Scope {
    Loop(usize),
    Block(Option<usize>),
}

fn flow(body: &[Operator<'_>], state: &MeterState) -> Flow {
    let mut flow = Flow::default();
    let mut scopes = vec![Scope::Block(None)];
    let target = |scopes: &[Scope], depth: u32| scopes.len().checked_sub(1 + depth as usize).map(|i| scopes[i]);
    let counts = |blockty: &BlockType| match blockty {
        BlockType::Empty => Some((0, 0)),
        BlockType::Type(_) => Some((0, 1)),
        BlockType::FuncType(index) => state.types.sig(*index),
    };
    for (at, op) in body.iter().enumerate() {
        match op {
            Operator::Block { blockty } | Operator::If { blockty } => {
                // an unknown type fails validation; treat it as carrying values meanwhile
                scopes.push(Scope::Block(Some(counts(blockty).map_or(1, |(_, results)| results))));
            }
            Operator::Loop { blockty } => {
                let params = counts(blockty).map_or(1, |(params, _)| params);
                scopes.push(Scope::Loop(flow.loops.len()));
                flow.loops.push(Loop { head: at + 1, fusable: params == 0, edges: Vec::new() });
            }
            Operator::End => {
                scopes.pop();
            }
            Operator::Br { relative_depth } | Operator::BrIf { relative_depth } => {
                match target(&scopes, *relative_depth) {
                    Some(Scope::Loop(index)) => flow.loops[index].edges.push(at),
                    Some(Scope::Block(Some(0))) if matches!(op, Operator::BrIf { .. }) => flow.plain_exits.push(at),
                    _ => {}
                }
            }
            Operator::BrTable { targets } => match targets.targets().collect::<Result<Vec<u32>, _>>() {
                Ok(depths) => {
                    for depth in depths.into_iter().chain([targets.default()]) {
                        if let Some(Scope::Loop(index)) = target(&scopes, depth) {
                            flow.loops[index].fusable = false;
                        }
                    }
                }
                // an unreadable table fails validation; meanwhile every open loop keeps its head check
                Err(_) => {
                    for scope in &scopes {
                        if let Scope::Loop(index) = scope {
                            flow.loops[*index].fusable = false;
                        }
                    }
                }
            },
            _ => {}
        }
    }
    flow
}

/// One basic block.
struct Block {
    start: usize,
    /// Index of the operator that ends it.
    last: usize,
    cost: u64,
    observable: bool,
    may_trap: bool,
}

fn blocks(body: &[Operator<'_>], state: &MeterState, header_cost: u64) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut block = Block { start: 0, last: 0, cost: 0, observable: false, may_trap: false };
    for (at, op) in body.iter().enumerate() {
        block.cost = block.cost.saturating_add(op_ink_typed(op, |ty| state.types.sig(ty).map(|(params, _)| params)));
        block.observable |= observable(op);
        block.may_trap |= may_trap(op);
        if ends_basic_block(op) {
            block.last = at;
            block.cost = block.cost.saturating_add(header_cost);
            let next = Block { start: at + 1, last: 0, cost: 0, observable: false, may_trap: false };
            blocks.push(std::mem::replace(&mut block, next));
        }
    }
    blocks
}

/// The charges of `body` under `scheme`; `fuse` checks back edges instead of loop heads and
/// charges blocks ahead where it can.
pub(super) fn plan(
    body: &[Operator<'_>],
    state: &MeterState,
    header_cost: u64,
    scheme: MeterScheme,
    fuse: bool,
) -> Plan {
    let blocks = blocks(body, state, header_cost);
    let mut plan = Plan::default();
    if scheme == MeterScheme::EveryBlock {
        plan.charges = blocks.iter().map(|b| (b.start, Charge::CheckUnsigned(b.cost as i64))).collect(); // compared unsigned
        return plan;
    }
    let flow = flow(body, state);
    let mut checked_heads: Vec<usize> = Vec::new();
    for lp in flow.loops {
        if fuse && lp.fusable {
            plan.back_edges.extend(lp.edges);
        } else {
            checked_heads.push(lp.head);
        }
    }
    plan.back_edges.sort_unstable();
    checked_heads.sort_unstable();

    // The open group: the index of its first charge, and the br_ifs that refund later blocks.
    let mut group: Option<(usize, Vec<usize>)> = None;
    for (i, block) in blocks.iter().enumerate() {
        let cost = block.cost as i64;
        let charge = if block.cost > i64::MAX as u64 {
            Charge::Exhausted
        } else if block.observable || checked_heads.binary_search(&block.start).is_ok() {
            Charge::CheckSigned { cost, ahead: 0 }
        } else {
            Charge::Deferred { cost, ahead: 0 }
        };
        // Charged ahead with its group if the group's blocks so far cannot trap, be observed
        // or check the ink, and the block before ends in a refunding `br_if`.
        let joins = fuse
            && matches!(charge, Charge::Deferred { .. })
            && i > 0
            && flow.plain_exits.binary_search(&blocks[i - 1].last).is_ok();
        match (&mut group, joins) {
            (Some((first, exits)), true) => {
                exits.push(blocks[i - 1].last);
                for exit in exits.iter() {
                    plan.refunds.push((*exit, cost));
                }
                if let (_, Charge::CheckSigned { ahead, .. } | Charge::Deferred { ahead, .. }) =
                    &mut plan.charges[*first]
                {
                    *ahead += cost;
                }
                plan.charges.push((block.start, Charge::Ahead));
            }
            _ => {
                plan.charges.push((block.start, charge));
                group = None;
            }
        }
        let open = !block.may_trap && !block.observable && !matches!(charge, Charge::Exhausted);
        match (&mut group, open) {
            (Some(_), true) => {}
            (None, true) => group = Some((plan.charges.len() - 1, Vec::new())),
            (_, false) => group = None,
        }
    }
    // Refunds add up per exit.
    plan.refunds.sort_unstable();
    plan.refunds.dedup_by(|next, kept| {
        let same = next.0 == kept.0;
        if same {
            kept.1 += next.1;
        }
        same
    });
    plan
}
