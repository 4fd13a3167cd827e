//! Expected values as the ABI words they encode to, so that checking a transaction's output or
//! logs compares words, and decodes only when they differ (to say how, or to apply decoding's own
//! rules). Equal words always mean the decoded check passes: decoding a value's own encoding
//! gives that value back.

use alloy_dyn_abi::DynSolType;
use alloy_primitives::{B256, keccak256};
use scenario_format::{AbiExpect, Check};
use smallvec::SmallVec;

use super::Signature;
use super::convert::{leaf_value, value_word};

/// One word per value, `None` for `*`. Held in place up to three (an output, an event's
/// topics or data most often are): every checked step has some, and each would be a heap list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Words(SmallVec<[Option<B256>; 3]>);

impl Words {
    /// The words of `expects` as values of `types`, when every type is a value type (one word)
    /// and every expectation is `*` or one expression that fits its type; else `None`.
    pub fn of(expects: &[Check<AbiExpect>], types: &[DynSolType]) -> Option<Self> {
        if types.len() != expects.len() {
            return None;
        }
        expects.iter().zip(types).map(|(expect, ty)| word(expect, ty, false)).collect::<Option<_>>().map(Words)
    }

    /// Whether `data` is exactly these words (where not `*`).
    pub fn match_data(&self, data: &[u8]) -> bool {
        data.len() == 32 * self.0.len() && self.match_each(data.chunks_exact(32))
    }

    fn match_each<'d>(&self, words: impl Iterator<Item = &'d [u8]>) -> bool {
        self.0.iter().zip(words).all(|(want, got)| want.is_none_or(|want| want.as_slice() == got))
    }
}

/// An event's expected topics (after topic 0) and data words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventWords {
    topics: Words,
    data: Words,
}

impl EventWords {
    /// The words of an event's expected `args`, when each can be compared as a word: value types,
    /// and indexed `string`/`bytes` (by their hash, as the log holds them).
    pub fn of(sig: &Signature, args: &[Check<AbiExpect>]) -> Option<Self> {
        if args.len() != sig.params.len() || sig.indexed.len() != sig.params.len() {
            return None;
        }
        let (mut topics, mut data) = (SmallVec::new(), SmallVec::new());
        for ((arg, ty), indexed) in args.iter().zip(&sig.params).zip(&sig.indexed) {
            if *indexed {
                topics.push(word(arg, ty, true)?);
            } else {
                data.push(word(arg, ty, false)?);
            }
        }
        Some(EventWords { topics: Words(topics), data: Words(data) })
    }

    /// Whether `topics` and `data` are the event's (topic 0 is `sig`'s) with these words.
    pub fn matches(&self, sig: &Signature, topics: &[B256], data: &[u8]) -> bool {
        topics.len() == 1 + self.topics.0.len()
            && topics[0] == sig.topic()
            && self.topics.match_each(topics[1..].iter().map(|t| t.as_slice()))
            && self.data.match_data(data)
    }
}

/// The word of one expectation: `Some(None)` for `*`; `None` when it is not one word.
fn word(expect: &Check<AbiExpect>, ty: &DynSolType, indexed: bool) -> Option<Option<B256>> {
    let leaf = match expect {
        Check::Any => return Some(None),
        Check::Exact(AbiExpect::Leaf(leaf)) => leaf,
        Check::Exact(AbiExpect::List(_)) => return None,
    };
    match ty {
        // A value type's ABI encoding is its word.
        _ if is_value_type(ty) => {
            value_word(&leaf.value, ty).or_else(|| leaf_value(&leaf.value, ty).ok()?.as_word()).map(Some)
        }
        // An indexed dynamic value is logged as its hash.
        DynSolType::String | DynSolType::Bytes if indexed => Some(Some(keccak256(&leaf.value))),
        _ => None,
    }
}

/// Whether `ty` is a value type: its ABI encoding is one word, its value's
/// [`DynSolValue::as_word`](alloy_dyn_abi::DynSolValue::as_word).
pub(crate) fn is_value_type(ty: &DynSolType) -> bool {
    matches!(
        ty,
        DynSolType::Address | DynSolType::Bool | DynSolType::Int(_) | DynSolType::Uint(_) | DynSolType::FixedBytes(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use scenario_format::BytesValue;

    fn leaf(bytes: &[u8]) -> Check<AbiExpect> {
        Check::Exact(AbiExpect::Leaf(BytesValue { original: String::new(), value: bytes.into() }))
    }

    fn word_of(byte: u8) -> [u8; 32] {
        let mut word = [0u8; 32];
        word[31] = byte;
        word
    }

    #[test]
    fn value_types_become_words_and_star_matches_any_word() {
        let types = [DynSolType::Uint(256), DynSolType::Bool];
        let words = Words::of(&[leaf(&[7]), Check::Any], &types).expect("value types");
        let data = [word_of(7), word_of(1)].concat();
        assert!(words.match_data(&data));
        assert!(!words.match_data(&[word_of(8), word_of(1)].concat()));
        // Trailing bytes are left to decoding.
        assert!(!words.match_data(&[data.clone(), vec![0]].concat()));
        // Not one word each: decoded instead.
        assert_eq!(Words::of(&[leaf(b"x")], &[DynSolType::String]), None);
        assert_eq!(Words::of(&[leaf(&[1, 2])], &[DynSolType::Uint(8)]), None, "does not fit: an error to report");
    }

    #[test]
    fn a_value_types_word_is_its_abi_encoding() {
        let cases: [(&[u8], DynSolType); 6] = [
            (&[0xff, 0xfe], DynSolType::Int(16)),
            (&[5], DynSolType::Int(256)),
            (&[1], DynSolType::Bool),
            (&[0xab; 3], DynSolType::FixedBytes(4)),
            (&[0x11; 20], DynSolType::Address),
            (&[0x01, 0x00], DynSolType::Uint(64)),
        ];
        for (bytes, ty) in cases {
            let encoded = leaf_value(bytes, &ty).unwrap().abi_encode();
            assert_eq!(word(&leaf(bytes), &ty, false), Some(Some(B256::from_slice(&encoded))), "{ty:?}");
        }
    }

    #[test]
    fn event_words_compare_topics_by_value_or_hash() {
        let sig = Signature::parse("Named(string indexed,uint8 indexed,uint256)").unwrap();
        let args = [leaf(b"bob"), leaf(&[3]), leaf(&[9])];
        let words = EventWords::of(&sig, &args).expect("wordable");
        let topics = [sig.topic(), keccak256(b"bob"), B256::from(word_of(3))];
        assert!(words.matches(&sig, &topics, &word_of(9)));
        assert!(!words.matches(&sig, &topics[..2], &word_of(9)), "a missing topic");
        assert!(!words.matches(&sig, &[B256::ZERO, topics[1], topics[2]], &word_of(9)), "another event");
        assert!(!words.matches(&sig, &topics, &word_of(8)));
    }
}
