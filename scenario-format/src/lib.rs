#![doc = include_str!("../README.md")]
#![allow(
    clippy::result_large_err,
    reason = "FormatError carries the file, position, path and include chain the runner reads; errors are the cold path"
)]

mod error;
pub mod input;
mod interp;
mod load;
mod locate;
pub mod model;
pub mod path;
pub mod raw;
mod schema;
pub mod signature;
pub mod value;

pub use error::FormatError;
pub use load::{EXECUTORS, load_scenario, load_scenario_str, read_scenario_text, visit_scenario, visit_scenario_early};
pub use locate::{line_col, locate, locate_key, span};
pub use model::{
    AccountCheck, AccountState, Activate, ActivateTx, ActivationExpect, ArbitrumState, BlockState, CallFields, CallTx,
    CheckState, CompareOp, Comparison, Deploy, DeployTx, DumpState, ErrorExpect, Expect, LogExpect, LogsExpect,
    NewAddress, Origin, Out, ProgramCheck, Quotes, Scenario, SetState, Status, Step, StepEntry, StorageCheck, Transfer,
    TransferTx,
};
pub use schema::{SCHEMA_JSON, validate_schema};
pub use value::{
    AbiExpect, AbiValue, AddressValue, BytesValue, Check, CodeSource, CodeValue, Hint, U256Value, ValueError,
    WordValue, reconstruct,
};
