//! How a frame stops before its entrypoint returns.

use world_mock::stylus::StylusStatus;

/// Why a frame stopped before `user_entrypoint` returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Escape {
    /// `exit_early(status)`.
    Exit(u32),
    /// The ink ran out in a host function (the meter says so too).
    OutOfInk(String),
    /// A hostio failed: bad memory access, bad arguments, a hook error.
    Failure(String),
}

impl Escape {
    /// The frame status this escape ends in (stylus-semantics §2.6): `exit_early(0)` is a
    /// success, any other exit status a revert.
    pub fn status(&self) -> StylusStatus {
        match self {
            Self::Exit(0) => StylusStatus::Success,
            Self::Exit(_) => StylusStatus::Revert,
            Self::OutOfInk(_) => StylusStatus::OutOfInk,
            Self::Failure(_) => StylusStatus::Failure,
        }
    }

    /// A failure with `message`.
    pub fn failure(message: impl Into<String>) -> Self {
        Self::Failure(message.into())
    }
}

impl std::fmt::Display for Escape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exit(status) => write!(f, "exit_early({status})"),
            Self::OutOfInk(why) => write!(f, "out of ink: {why}"),
            Self::Failure(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for Escape {}
