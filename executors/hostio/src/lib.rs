#![doc = include_str!("../README.md")]

mod escape;
mod frame;
mod hooks_ptr;
mod host;
pub mod hostio;
mod outcome;
pub mod prices;
mod profile;
mod trace;

pub use escape::Escape;
pub use frame::FrameData;
pub use hooks_ptr::HooksPtr;
pub use host::{Host, Ptr};
pub use outcome::{Metering, frame_outcome};
pub use profile::Profiler;
pub use trace::{TraceValue, traced};
