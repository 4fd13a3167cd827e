//! Solidity signatures as scenarios write them: `transfer(address,uint256)(bool)`,
//! `Transfer(address indexed,address indexed,uint256)`, `constructor(uint256,string)`.

use alloy_dyn_abi::DynSolType;
use alloy_primitives::{B256, keccak256};
use scenario_format::signature::{group, split_top_level};
use std::sync::Arc;

/// A parsed function, constructor or error signature.
#[derive(Clone, Debug)]
pub struct Signature {
    /// The name (`transfer`, `constructor`).
    pub name: String,
    /// Parameter types.
    pub params: Vec<DynSolType>,
    /// Return types (`None` when the signature gives none), shared with the steps that check
    /// a call's output by them.
    pub returns: Option<Arc<[DynSolType]>>,
    /// Which parameters are `indexed` (events only).
    pub indexed: Vec<bool>,
    /// Keccak-256 of the canonical form (selector = first 4 bytes; event topic 0).
    hash: B256,
    /// The canonical form, kept and shared: reports name the function of every step.
    canonical: Arc<str>,
}

impl Signature {
    /// Parses `name(t1,t2)` optionally followed by `(r1,r2)`; `indexed` markers are allowed.
    pub fn parse(text: &str) -> Result<Self, super::AbiError> {
        Self::parse_text(text).map_err(super::AbiError)
    }

    /// The signatures of `texts` that parse (an entry of a type this harness cannot decode is
    /// left out, as it cannot name what it does not decode).
    pub(crate) fn parse_each<S: AsRef<str>>(texts: impl IntoIterator<Item = S>) -> Vec<Arc<Signature>> {
        texts.into_iter().filter_map(|text| Signature::parse(text.as_ref()).ok().map(Arc::new)).collect()
    }

    fn parse_text(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let open = text.find('(').ok_or_else(|| format!("`{text}`: expected `name(types)`"))?;
        let name = text[..open].trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            return Err(format!("`{text}`: `{name}` is not a valid name"));
        }
        let close = matching_paren(text, open).ok_or_else(|| format!("`{text}`: unbalanced parentheses"))?;
        let (params, indexed) = parse_list(&text[open + 1..close], text)?;
        let rest = text[close + 1..].trim();
        let returns = if rest.is_empty() {
            None
        } else if rest.starts_with('(') && matching_paren(rest, 0) == Some(rest.len() - 1) {
            let (types, marks) = parse_list(&rest[1..rest.len() - 1], text)?;
            if marks.iter().any(|m| *m) {
                return Err(format!("`{text}`: return types cannot be indexed"));
            }
            Some(types.into())
        } else {
            return Err(format!("`{text}`: unexpected `{rest}` after the parameters"));
        };
        let canonical: Arc<str> = canonical(name, &params).into();
        let hash = keccak256(canonical.as_bytes());
        Ok(Self { name: name.to_string(), params, returns, indexed, hash, canonical })
    }

    /// The canonical form hashed for selectors and topics: `name(t1,t2)`.
    pub fn canonical(&self) -> String {
        self.canonical.to_string()
    }

    /// The canonical form, shared (for the step reports that name it).
    pub fn canonical_shared(&self) -> Arc<str> {
        Arc::clone(&self.canonical)
    }

    /// The 4-byte selector.
    pub fn selector(&self) -> [u8; 4] {
        [self.hash[0], self.hash[1], self.hash[2], self.hash[3]]
    }

    /// The event topic 0.
    pub fn topic(&self) -> B256 {
        self.hash
    }

    /// The parameters as one tuple type (for encoding and decoding).
    pub fn params_tuple(&self) -> DynSolType {
        DynSolType::Tuple(self.params.clone())
    }
}

fn canonical(name: &str, params: &[DynSolType]) -> String {
    let types: Vec<_> = params.iter().map(|t| t.sol_type_name()).collect();
    format!("{name}({})", types.join(","))
}

/// The byte index of the parenthesis closing the one at `open`.
fn matching_paren(text: &str, open: usize) -> Option<usize> {
    let (inner, _) = group(text.get(open..)?)?;
    Some(open + inner.len() + 1)
}

/// Splits a parameter list at top-level commas; each entry is `type [indexed] [name]`.
fn parse_list(list: &str, whole: &str) -> Result<(Vec<DynSolType>, Vec<bool>), String> {
    let mut types = Vec::new();
    let mut indexed = Vec::new();
    if list.trim().is_empty() {
        return Ok((types, indexed));
    }
    for part in split_top_level(list) {
        let part = part.trim();
        // The type ends at the first space outside parentheses; words after it are modifiers.
        let after_tuple = if part.starts_with('(') {
            matching_paren(part, 0).ok_or_else(|| format!("`{whole}`: unbalanced parentheses in `{part}`"))?
        } else {
            0
        };
        let ty_end = part[after_tuple..].find(char::is_whitespace).map_or(part.len(), |i| after_tuple + i);
        let (ty_text, modifiers) = part.split_at(ty_end);
        let mut is_indexed = false;
        for word in modifiers.split_whitespace() {
            match word {
                "indexed" => is_indexed = true,
                "memory" | "calldata" | "storage" => {}
                _ if word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {} // a parameter name
                _ => return Err(format!("`{whole}`: unexpected `{word}` in `{part}`")),
            }
        }
        let ty = DynSolType::parse(ty_text).map_err(|e| format!("`{whole}`: bad type `{ty_text}`: {e}"))?;
        types.push(ty);
        indexed.push(is_indexed);
    }
    Ok((types, indexed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_functions_with_returns() {
        let sig = Signature::parse("balanceOf(address)(uint256)").unwrap();
        assert_eq!(sig.canonical(), "balanceOf(address)");
        assert_eq!(sig.selector(), [0x70, 0xa0, 0x82, 0x31]);
        assert_eq!(*sig.returns.unwrap(), [DynSolType::Uint(256)]);
    }

    #[test]
    fn parses_events_with_indexed_and_tuples() {
        let sig = Signature::parse("Transfer(address indexed from, address indexed,uint256 value)").unwrap();
        assert_eq!(sig.canonical(), "Transfer(address,address,uint256)");
        assert_eq!(sig.indexed, vec![true, true, false]);
        assert_eq!(format!("{:x}", sig.topic()), "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
        let tuple = Signature::parse("f((uint256,string)[],bytes32)").unwrap();
        assert_eq!(tuple.canonical(), "f((uint256,string)[],bytes32)");
    }

    #[test]
    fn rejects_malformed() {
        assert!(Signature::parse("transfer").is_err());
        assert!(Signature::parse("transfer(address").is_err());
        assert!(Signature::parse("transfer(adress)").is_err());
        assert!(Signature::parse("f(uint256) returns").is_err());
        assert!(Signature::parse("f(uint256)(uint256 indexed)").is_err());
    }
}
