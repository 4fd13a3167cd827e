#![doc = include_str!("../README.md")]

pub mod abi;
mod executor;
mod host;
mod native;
mod table;
mod worker;

pub use abi::{ABI_VERSION, Entry, NativeProfile, ROUTER_ENTRYPOINT, WrapperCrate, wrapper_crate};
pub use executor::DebuggerExecutor;
pub use native::{NativeError, NativeProgram};
