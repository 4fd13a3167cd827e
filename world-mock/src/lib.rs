#![doc = include_str!("../README.md")]
//! The diorama chain ("world mock"): accounts, blocks and transactions executed by revm, with
//! every call frame routed by its code kind — EVM bytecode to revm's interpreter, Stylus programs
//! (`EF F0 00` prefix) to a pluggable [`StylusExecutor`] that reaches the chain only through the
//! [`VmHooks`] trait. Stylus programs run only once activated: [`stylus::activation`] validates
//! and prices them as nitro does, and the ArbWasm precompile (`0x…71`) activates them on chain.
//!
//! It does not parse scenario files or check expectations (that is the runner's job), and it
//! does not execute WASM itself (that is `executors/`).
//!
//! Main types: [`World`], [`WorldState`], [`TxRequest`], [`TxOutcome`], [`StylusExecutor`], [`VmHooks`].

pub mod arbos;
mod block;
mod code_kind;
mod diff;
mod inspector;
mod naming;
mod outcome;
mod router;
mod state;
pub mod stylus;
mod trace;
mod world;

pub use block::{BlockSettings, DEFAULT_ARBOS_VERSION, DEFAULT_BLOCK_GAS_LIMIT, DEFAULT_CHAIN_ID};
pub use code_kind::{CodeKind, STYLUS_FRAGMENT_PREFIX, STYLUS_PREFIX, STYLUS_ROOT_PREFIX, deployment_code};
pub use diff::{AccountDiff, Change, StateDiff};
pub use inspector::WorldInspector;
pub use outcome::{TxOutcome, TxStatus};
pub use router::Router;
pub use state::{AccountState, WorldState, default_block_hash};
pub use stylus::{StylusExecutor, VmHooks};
pub use trace::{CallTrace, FrameKind, FrameScheme, TraceFrame, TraceLevel};
pub use world::{Commit, DEFAULT_SPEC, TxRejected, TxRequest, World, WorldCtx, WorldEvm};

/// Re-exported so that users name the same revm types the world uses.
pub use revm;
