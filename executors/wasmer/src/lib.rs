#![doc = include_str!("../README.md")]

mod cache;
pub mod cache_file;
mod engine;
mod executor;
mod host;
mod instance_pool;
mod memory_pool;
pub mod middleware;
pub mod pricing;
mod run;

pub use cache::{CACHE_DIR_ENV, CacheOptions, CacheStats};
pub use engine::{Instrumentation, WASM_STACK_BYTES, code_fingerprint};
pub use executor::{CompileStats, StatsError, WasmerExecutor, compile_stats};
pub use pricing::{op_ink, op_ink_typed};
pub use run::ENTRYPOINT;
