//! The ink meter: each basic block is charged up front, including the operator that ends it,
//! plus a fixed header cost. Two schemes give the same figures:
//!
//! - [`MeterScheme::EveryBlock`] is nitro's: before every block,
//!   `if ink <u cost { status = 1; unreachable }; ink -= cost`.
//! - [`MeterScheme::AtBoundaries`] charges most blocks without a compare (`ink -= cost`, the
//!   global read as a signed `i64` that may go negative) and looks at the ink only where a
//!   difference could be observed (see `plan.rs`). The frame's end reads a negative ink as out
//!   of ink, as does a trap taken with a negative ink: the block that would have stopped nitro
//!   came first, and nothing outside the instance saw what ran after it. The signed reading
//!   needs the frame's ink limit to fit in an `i64`; the executor runs larger limits with the
//!   nitro scheme.
//!
//! Both emit at most two values at once at a block's start, as nitro's code does: the depth
//! checker counts them into frame sizes, which must stay nitro's. Back-edge checks and refunds
//! (`plan.rs`) sit where the stack may be deeper, so a function gets them only if its worst case
//! stays what nitro's code gives; otherwise its loops are checked at their heads.

use std::sync::{Arc, Mutex};

use wasmer::sys::wasmparser::{BlockType, Operator};
use wasmer::sys::{FunctionMiddleware, MiddlewareError, MiddlewareReaderState, ModuleMiddleware};
use wasmer::{GlobalInit, LocalFunctionIndex, ModuleInfo, Type};

use super::plan::{Charge, Plan, plan};
use super::stack::worst_case_stack;
use super::{INK_LEFT_GLOBAL, INK_STATUS_GLOBAL, ModuleTypes, add_global, load, no_state, store};

const NAME: &str = "ink meter";

/// Where the meter compares the ink left with a block's cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MeterScheme {
    /// Before every basic block, as nitro does.
    EveryBlock,
    /// Only before blocks whose effects leave the instance and on loop back edges (see the
    /// module documentation); the ink global is then read as signed.
    AtBoundaries,
}

/// Module-level ink meter: adds the ink globals and prices blocks with `pricing_v1`.
#[derive(Debug)]
pub struct InkMeter {
    header_cost: u64,
    scheme: MeterScheme,
    state: Mutex<Option<Arc<MeterState>>>,
}

#[derive(Debug)]
pub(super) struct MeterState {
    pub(super) ink: u32,
    pub(super) status: u32,
    pub(super) types: ModuleTypes,
}

impl InkMeter {
    /// A meter charging `header_cost` ink per basic block on top of its operators.
    pub fn new(header_cost: u64, scheme: MeterScheme) -> Self {
        Self { header_cost, scheme, state: Mutex::new(None) }
    }
}

impl ModuleMiddleware for InkMeter {
    fn generate_function_middleware<'a>(&self, _: LocalFunctionIndex) -> Box<dyn FunctionMiddleware<'a> + 'a> {
        Box::new(FuncInkMeter {
            state: load(&self.state),
            header_cost: self.header_cost,
            scheme: self.scheme,
            body: Vec::new(),
            scopes: 1,
        })
    }

    fn transform_module_info(&self, info: &mut ModuleInfo) -> Result<(), MiddlewareError> {
        let ink = add_global(info, NAME, INK_LEFT_GLOBAL, Type::I64, GlobalInit::I64Const(0))?;
        let status = add_global(info, NAME, INK_STATUS_GLOBAL, Type::I32, GlobalInit::I32Const(0))?;
        store(&self.state, MeterState { ink: ink.as_u32(), status: status.as_u32(), types: ModuleTypes::of(info) });
        Ok(())
    }
}

/// Per-function ink meter: buffers the body (where to check depends on its loops), then emits
/// it with the charges.
#[derive(Debug)]
struct FuncInkMeter<'a> {
    state: Option<Arc<MeterState>>,
    header_cost: u64,
    scheme: MeterScheme,
    body: Vec<Operator<'a>>,
    /// Open scopes; the function body is one.
    scopes: u32,
}

impl<'a> FunctionMiddleware<'a> for FuncInkMeter<'a> {
    fn feed(&mut self, op: Operator<'a>, out: &mut MiddlewareReaderState<'a>) -> Result<(), MiddlewareError> {
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => self.scopes += 1,
            Operator::End => self.scopes = self.scopes.saturating_sub(1),
            _ => {}
        }
        self.body.push(op);
        if self.scopes > 0 {
            return Ok(());
        }
        let state = self.state.clone().ok_or_else(|| no_state(NAME))?;
        let body = std::mem::take(&mut self.body);
        out.extend(self.instrument(&state, body));
        Ok(())
    }
}

impl<'a> FuncInkMeter<'a> {
    fn instrument(&self, state: &MeterState, body: Vec<Operator<'a>>) -> Vec<Operator<'a>> {
        let nitro = plan(&body, state, self.header_cost, MeterScheme::EveryBlock, false);
        if self.scheme == MeterScheme::EveryBlock {
            return emit(state, body, &nitro);
        }
        // Back-edge checks and refunds only if the frame size stays nitro's.
        let fused = plan(&body, state, self.header_cost, MeterScheme::AtBoundaries, true);
        let worst = |plan: &Plan| worst_case_stack(&emit(state, body.clone(), plan), &state.types).ok();
        let keeps_frames = matches!((worst(&fused), worst(&nitro)), (Some(ours), Some(theirs)) if ours <= theirs);
        if keeps_frames {
            return emit(state, body, &fused);
        }
        let headed = plan(&body, state, self.header_cost, MeterScheme::AtBoundaries, false);
        emit(state, body, &headed)
    }
}

/// The operators the meter inserts, for one module's globals.
struct Inserts {
    ink: u32,
    status: u32,
}

impl Inserts {
    /// `status = 1; unreachable`.
    fn trap<'a>(&self) -> [Operator<'a>; 3] {
        [Operator::I32Const { value: 1 }, Operator::GlobalSet { global_index: self.status }, Operator::Unreachable]
    }

    /// `if ink <compare> cost { trap }`.
    fn check<'a>(&self, cost: i64, compare: Operator<'a>) -> impl Iterator<Item = Operator<'a>> {
        [Operator::GlobalGet { global_index: self.ink }, Operator::I64Const { value: cost }, compare]
            .into_iter()
            .chain(self.trap_if())
    }

    /// `if { trap }`, on the condition on the stack.
    fn trap_if<'a>(&self) -> impl Iterator<Item = Operator<'a>> {
        [Operator::If { blockty: BlockType::Empty }].into_iter().chain(self.trap()).chain([Operator::End])
    }

    /// `ink -= cost`.
    fn subtract<'a>(&self, cost: i64) -> [Operator<'a>; 4] {
        [
            Operator::GlobalGet { global_index: self.ink },
            Operator::I64Const { value: cost },
            Operator::I64Sub,
            Operator::GlobalSet { global_index: self.ink },
        ]
    }

    /// Pushes `ink >= 0` (signed).
    fn non_negative<'a>(&self) -> [Operator<'a>; 3] {
        [Operator::GlobalGet { global_index: self.ink }, Operator::I64Const { value: 0 }, Operator::I64GeS]
    }

    fn charge<'a>(&self, charge: Charge, out: &mut Vec<Operator<'a>>) {
        match charge {
            Charge::CheckUnsigned(cost) => {
                out.extend(self.check(cost, Operator::I64LtU));
                out.extend(self.subtract(cost));
            }
            Charge::CheckSigned { cost, ahead } => {
                out.extend(self.check(cost, Operator::I64LtS));
                out.extend(self.subtract(cost + ahead));
            }
            Charge::Deferred { cost, ahead } => out.extend(self.subtract(cost + ahead)),
            Charge::Ahead => {}
            Charge::Exhausted => {
                // `0 < 1`: as deep as a check, and always true
                out.extend([Operator::I64Const { value: 0 }, Operator::I64Const { value: 1 }, Operator::I64LtS]);
                out.extend(self.trap_if());
            }
        }
    }

    /// A refunding exit: `br_if L` becomes `if { ink += refund; br L } end`.
    fn refunding_exit<'a>(&self, op: Operator<'a>, refund: i64, out: &mut Vec<Operator<'a>>) {
        let Operator::BrIf { relative_depth } = op else { return out.push(op) };
        out.extend([
            Operator::If { blockty: BlockType::Empty },
            Operator::GlobalGet { global_index: self.ink },
            Operator::I64Const { value: refund },
            Operator::I64Add,
            Operator::GlobalSet { global_index: self.ink },
            Operator::Br { relative_depth: relative_depth + 1 },
            Operator::End,
        ]);
    }

    /// A checked back edge: `br_if L` branches on `cond × (ink >= 0)` (a 0/1 factor), `br L`
    /// becomes `br_if L` on `ink >= 0`, then out of ink.
    fn back_edge<'a>(&self, op: Operator<'a>, out: &mut Vec<Operator<'a>>) {
        match op {
            Operator::BrIf { .. } => {
                out.extend(self.non_negative());
                out.extend([Operator::I32Mul, op]);
            }
            Operator::Br { relative_depth } => {
                out.extend(self.non_negative());
                out.push(Operator::BrIf { relative_depth });
                out.extend(self.trap());
            }
            other => out.push(other),
        }
    }
}

/// The body with the charges of `plan` before its blocks and its back edges checked.
fn emit<'a>(state: &MeterState, body: Vec<Operator<'a>>, plan: &Plan) -> Vec<Operator<'a>> {
    let inserts = Inserts { ink: state.ink, status: state.status };
    let mut out = Vec::with_capacity(body.len() * 2);
    let mut charges = plan.charges.iter().peekable();
    let mut refunds = plan.refunds.iter().peekable();
    for (at, op) in body.into_iter().enumerate() {
        if let Some((_, charge)) = charges.next_if(|(start, _)| *start == at) {
            inserts.charge(*charge, &mut out);
        }
        if let Some((_, refund)) = refunds.next_if(|(exit, _)| *exit == at) {
            inserts.refunding_exit(op, *refund, &mut out);
        } else if plan.back_edges.binary_search(&at).is_ok() {
            inserts.back_edge(op, &mut out);
        } else {
            out.push(op);
        }
    }
    out
}
