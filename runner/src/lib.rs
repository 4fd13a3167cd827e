#![doc = include_str!("../README.md")]
//! The `diorama` runner: loads scenario files, prepares them (every input error is found before
//! anything runs), executes their steps on the world mock, checks expectations, and reports in
//! human, JSON or JUnit form.
//!
//! It does not define the file format (`scenario-format`) or the chain (`world-mock`).
//!
//! Main items: [`Suite`] (the library API for a contract's own tests), [`suite::run_paths`],
//! [`report::RunReport`], [`prepare::prepare`], [`execute::run_scenario`], [`contracts`] (builds
//! for `contract:NAME`), [`executors`] (which executor runs what), [`parity`], [`snapshot`]
//! (gas/ink snapshots), [`bless`] (rewriting expectations), [`partition`], [`progress`].

pub mod abi;
pub mod activate_cmd;
mod api;
pub mod artifacts;
pub mod atomic;
pub mod bless;
pub mod build_cmd;
pub mod cli;
pub mod contracts;
pub mod deployer;
pub mod discover;
pub mod execute;
pub mod executors;
pub mod isolate;
pub mod overlap;
pub mod parity;
pub mod partition;
mod pools;
pub mod prepare;
pub mod profile;
pub mod progress;
pub mod report;
pub mod snapshot;
pub mod stream;
pub mod suite;

pub use api::{Suite, SuiteResult};
pub use executors::ExecutorChoice;
