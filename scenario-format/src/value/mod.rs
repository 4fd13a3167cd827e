//! Value expressions (`"1,000"`, `"address:alice"`, `"keccak256:word:address:alice|u256:0"`)
//! and the typed values the interpreted model holds. Each value keeps the text the author wrote
//! (`original`) next to what it means (`value`), so messages can show both.

mod code;
mod interpret;
mod number;
pub mod prefixes;
mod reconstruct;
mod types;

pub use code::{CodeSource, CodeValue};
pub use interpret::{MAX_DEPTH, ValueError, interpret};
pub(crate) use interpret::{abbreviate, named_address};
pub use reconstruct::{Hint, reconstruct};
pub(crate) use types::to_u64;
pub use types::{AbiExpect, AbiValue, AddressValue, BytesValue, Check, U256Value, WordValue};

/// A value's bytes: up to 32 held inline (every number, address and word, and most ABI leaves),
/// so that interpreting the usual value allocates nothing; longer ones on the heap.
pub type ValueBytes = smallvec::SmallVec<[u8; 32]>;
