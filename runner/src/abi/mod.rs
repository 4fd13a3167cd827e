//! ABI handling for scenarios: signatures, argument encoding, output, error and event decoding.

mod convert;
mod event;
mod render;
mod revert;
mod signature;
mod words;

pub use convert::{expect_matches, render_expect, to_sol_value, to_sol_values, validate_expect};
pub use event::{check_event, decode_event};
pub use render::render;
pub use revert::{decode_custom, describe, error_message, panic_meaning, raw_below};
pub use signature::Signature;
pub(crate) use words::is_value_type;
pub use words::{EventWords, Words};

use alloy_dyn_abi::DynSolValue;
use scenario_format::AbiValue;

/// A signature that cannot be parsed, or a value (argument, expected output, event argument)
/// that does not fit its ABI type: what was wrong and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AbiError(pub String);

impl From<AbiError> for String {
    fn from(error: AbiError) -> Self {
        error.0
    }
}

/// Encodes a call: selector + ABI-encoded arguments.
pub fn encode_call(sig: &Signature, args: &[AbiValue]) -> Result<Vec<u8>, AbiError> {
    let mut data = Vec::with_capacity(4 + 32 * args.len());
    data.extend_from_slice(&sig.selector());
    if sig.params.iter().all(words::is_value_type) {
        // Most calls: value types only, whose encoding is their words in order, written straight
        // into the calldata rather than through a tuple of values encoded as a whole; each word
        // straight from its bytes when it can be, else (and for every error) through its value.
        let words_at = data.len();
        let fast = args.len() == sig.params.len()
            && args.iter().zip(&sig.params).all(|(arg, ty)| match arg {
                AbiValue::Leaf(leaf) => {
                    convert::value_word(&leaf.value, ty).map(|word| data.extend_from_slice(word.as_slice())).is_some()
                }
                AbiValue::List(_) => false,
            });
        if fast {
            return Ok(data);
        }
        data.truncate(words_at);
        for value in convert::each_sol_value(args, &sig.params)? {
            let word = value?.as_word().ok_or_else(|| AbiError("a value type is not one ABI word".into()))?;
            data.extend_from_slice(word.as_slice());
        }
    } else {
        let values = to_sol_values(args, &sig.params)?;
        data.extend_from_slice(&DynSolValue::Tuple(values).abi_encode_params());
    }
    Ok(data)
}

/// Encodes constructor arguments (appended to init code).
pub fn encode_args(sig: &Signature, args: &[AbiValue]) -> Result<Vec<u8>, AbiError> {
    let values = to_sol_values(args, &sig.params)?;
    Ok(DynSolValue::Tuple(values).abi_encode_params())
}

#[cfg(test)]
mod tests {
    use super::*;
    use scenario_format::BytesValue;

    fn leaf(original: &str, value: &[u8]) -> AbiValue {
        AbiValue::Leaf(BytesValue { original: original.into(), value: value.into() })
    }

    /// The calldata as a tuple of the converted values encoded as a whole.
    fn as_tuple(sig: &Signature, args: &[AbiValue]) -> Result<Vec<u8>, AbiError> {
        let values = to_sol_values(args, &sig.params)?;
        Ok([&sig.selector()[..], &DynSolValue::Tuple(values).abi_encode_params()].concat())
    }

    #[test]
    fn value_type_calls_encode_as_their_tuple_does() {
        let sig = Signature::parse("f(address,uint8,int16,bool,bytes4,uint256)").unwrap();
        let args = [
            leaf("address:bob", b"bob_________________"),
            leaf("255", &[0xff]),
            leaf("i16:-2", &[0xff, 0xfe]),
            leaf("true", &[1]),
            leaf("0x01020304", &[1, 2, 3, 4]),
            leaf("1,000", &[0x03, 0xe8]),
        ];
        let data = encode_call(&sig, &args).unwrap();
        assert_eq!(data.len(), 4 + 32 * args.len());
        assert_eq!(data, as_tuple(&sig, &args).unwrap());
        // A value that does not fit, a list for a value type, a wrong count: the same errors.
        let mut wrong = args.clone();
        wrong[1] = leaf("256", &[1, 0]);
        assert_eq!(encode_call(&sig, &wrong), as_tuple(&sig, &wrong));
        assert!(encode_call(&sig, &wrong).unwrap_err().0.starts_with("args[1]: `256`"));
        wrong[1] = AbiValue::List(vec![leaf("1", &[1])]);
        assert_eq!(encode_call(&sig, &wrong), as_tuple(&sig, &wrong));
        assert_eq!(encode_call(&sig, &args[..2]), as_tuple(&sig, &args[..2]));
        // Dynamic types go through the tuple.
        let dynamic = Signature::parse("g(string,uint256[])").unwrap();
        let args = [leaf("str:hi", b"hi"), AbiValue::List(vec![leaf("1", &[1]), leaf("2", &[2])])];
        assert_eq!(encode_call(&dynamic, &args), as_tuple(&dynamic, &args));
    }
}
