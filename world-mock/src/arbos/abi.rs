//! The little ABI codec the precompiles need: static words, addresses and one `bytes`
//! argument in; words, booleans, addresses and address arrays out.

use revm::primitives::{Address, B256, U256};

/// Calldata that does not decode as the method's parameters (nitro reverts, using all gas).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BadArgs;

/// A method's arguments (calldata after the selector).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Args<'a>(pub &'a [u8]);

impl<'a> Args<'a> {
    /// Word `i`.
    pub(crate) fn word(&self, i: usize) -> Result<B256, BadArgs> {
        self.0.get(32 * i..32 * (i + 1)).map(B256::from_slice).ok_or(BadArgs)
    }

    /// Word `i` as a number.
    pub(crate) fn uint(&self, i: usize) -> Result<U256, BadArgs> {
        self.word(i).map(|w| U256::from_be_bytes(w.0))
    }

    /// Word `i` as an address: its low 20 bytes (geth's ABI decoder does not check the rest).
    pub(crate) fn address(&self, i: usize) -> Result<Address, BadArgs> {
        Ok(Address::from_slice(&self.word(i)?[12..]))
    }

    /// The `bytes` argument whose offset is word `i`.
    pub(crate) fn bytes(&self, i: usize) -> Result<&'a [u8], BadArgs> {
        let offset = usize::try_from(self.uint(i)?).map_err(|_| BadArgs)?;
        let len_word = self.0.get(offset..offset.checked_add(32).ok_or(BadArgs)?).ok_or(BadArgs)?;
        let len = usize::try_from(U256::from_be_slice(len_word)).map_err(|_| BadArgs)?;
        let start = offset + 32;
        self.0.get(start..start.checked_add(len).ok_or(BadArgs)?).ok_or(BadArgs)
    }
}

/// ABI encoding of static values, one word each.
#[derive(Clone, Debug, Default)]
pub(crate) struct Out(Vec<u8>);

impl Out {
    /// An empty output.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Appends a number.
    pub(crate) fn uint(mut self, value: impl Into<U256>) -> Self {
        self.0.extend_from_slice(&value.into().to_be_bytes::<32>());
        self
    }

    /// Appends a signed number (two's complement).
    pub(crate) fn int(mut self, value: i64) -> Self {
        let fill = if value < 0 { 0xff } else { 0 };
        let mut word = [fill; 32];
        word[24..].copy_from_slice(&value.to_be_bytes());
        self.0.extend_from_slice(&word);
        self
    }

    /// Appends a word.
    pub(crate) fn word(mut self, value: B256) -> Self {
        self.0.extend_from_slice(value.as_slice());
        self
    }

    /// Appends a boolean.
    pub(crate) fn bool(self, value: bool) -> Self {
        self.uint(U256::from(u8::from(value)))
    }

    /// Appends an address.
    pub(crate) fn address(self, value: Address) -> Self {
        self.word(value.into_word())
    }

    /// The encoding of a single dynamic array of addresses (`address[]`).
    pub(crate) fn address_array(items: &[Address]) -> Self {
        let mut out = Self::new().uint(U256::from(32)).uint(U256::from(items.len()));
        for item in items {
            out = out.address(*item);
        }
        out
    }

    /// The encoding of a single empty dynamic array.
    pub(crate) fn empty_array() -> Self {
        Self::new().uint(U256::from(32)).uint(U256::ZERO)
    }

    /// The encoded bytes.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

/// Revert data of a Solidity error: selector and static words.
pub(crate) fn error_data(signature: &str, words: &[U256]) -> Vec<u8> {
    let mut data = crate::stylus::selector(signature).to_vec();
    for word in words {
        data.extend_from_slice(&word.to_be_bytes::<32>());
    }
    data
}
