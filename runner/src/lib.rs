#![doc = include_str!("../README.md")]
//! The `diorama` runner: loads scenario files, prepares them (every input error is found before
//! anything runs), executes their steps on the world mock, checks expectations, and reports in
//! human, JSON or JUnit form.
//!
//! It does not define the file format (`scenario-format`) or the chain (`world-mock`).
//!
//! Main items: [`suite::run_paths`], [`report::RunReport`], [`prepare::prepare`], [`execute::run_scenario`].

pub mod abi;
pub mod activate_cmd;
pub mod artifacts;
pub mod build_cmd;
pub mod cli;
pub mod contracts;
pub mod discover;
pub mod execute;
pub mod executors;
pub mod parity;
pub mod prepare;
pub mod report;
pub mod suite;
