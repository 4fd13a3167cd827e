//! Scenario values → ABI values: each leaf expression's bytes are read as the parameter type.

use super::AbiError;
use alloy_dyn_abi::{DynSolType, DynSolValue};
use alloy_primitives::{Address, B256, I256, U256};
use scenario_format::{AbiExpect, AbiValue, Check};

/// Converts a scenario value to an ABI value of type `ty`. Errors say what was expected.
pub fn to_sol_value(value: &AbiValue, ty: &DynSolType) -> Result<DynSolValue, AbiError> {
    to_sol_value_text(value, ty).map_err(AbiError)
}
fn to_sol_value_text(value: &AbiValue, ty: &DynSolType) -> Result<DynSolValue, String> {
    match (value, ty) {
        (AbiValue::List(items), DynSolType::Array(inner)) => {
            Ok(DynSolValue::Array(items.iter().map(|v| to_sol_value_text(v, inner)).collect::<Result<_, _>>()?))
        }
        (AbiValue::List(items), DynSolType::FixedArray(inner, len)) => {
            if items.len() != *len {
                return Err(format!("expected {len} elements for `{}`, got {}", ty.sol_type_name(), items.len()));
            }
            Ok(DynSolValue::FixedArray(items.iter().map(|v| to_sol_value_text(v, inner)).collect::<Result<_, _>>()?))
        }
        (AbiValue::List(items), DynSolType::Tuple(types)) => {
            if items.len() != types.len() {
                return Err(format!(
                    "expected {} fields for `{}`, got {}",
                    types.len(),
                    ty.sol_type_name(),
                    items.len()
                ));
            }
            let values = items.iter().zip(types).map(|(v, t)| to_sol_value_text(v, t)).collect::<Result<_, _>>()?;
            Ok(DynSolValue::Tuple(values))
        }
        (AbiValue::List(_), _) => Err(format!("expected one expression for `{}`, got a list", ty.sol_type_name())),
        (AbiValue::Leaf(leaf), _) => leaf_value(&leaf.value, ty).map_err(|e| format!("`{}`: {e}", leaf.original)),
    }
}

/// Converts several values to the types of a parameter list.
pub fn to_sol_values(values: &[AbiValue], types: &[DynSolType]) -> Result<Vec<DynSolValue>, AbiError> {
    each_sol_value(values, types)?.collect()
}

/// The values converted to the types of a parameter list one by one, each error naming its
/// argument (`args[1]: …`); an error first when there are not as many values as types.
pub(crate) fn each_sol_value<'a>(
    values: &'a [AbiValue],
    types: &'a [DynSolType],
) -> Result<impl Iterator<Item = Result<DynSolValue, AbiError>> + 'a, AbiError> {
    if values.len() != types.len() {
        return Err(AbiError(format!("expected {} arguments, got {}", types.len(), values.len())));
    }
    let each = values.iter().zip(types).enumerate();
    Ok(each.map(|(i, (v, t))| to_sol_value_text(v, t).map_err(|e| AbiError(format!("args[{i}]: {e}")))))
}

/// Whether `actual` (of type `ty`) matches an expected value; `*` matches anything.
/// `Err` when the expectation cannot be a value of that type (an input error).
pub fn expect_matches(expect: &Check<AbiExpect>, actual: &DynSolValue, ty: &DynSolType) -> Result<bool, AbiError> {
    expect_matches_text(expect, actual, ty).map_err(AbiError)
}
fn expect_matches_text(expect: &Check<AbiExpect>, actual: &DynSolValue, ty: &DynSolType) -> Result<bool, String> {
    let Check::Exact(expect) = expect else {
        return Ok(true);
    };
    match (expect, ty) {
        (AbiExpect::Leaf(leaf), _) => {
            let want = leaf_value(&leaf.value, ty).map_err(|e| format!("`{}`: {e}", leaf.original))?;
            Ok(&want == actual)
        }
        (AbiExpect::List(items), DynSolType::Array(inner) | DynSolType::FixedArray(inner, _)) => {
            let Some(values) = actual.as_array().or_else(|| actual.as_fixed_array()) else {
                return Ok(false);
            };
            if values.len() != items.len() {
                return Ok(false);
            }
            all_match(items.iter().zip(values).map(|(e, v)| (e, v, inner.as_ref())))
        }
        (AbiExpect::List(items), DynSolType::Tuple(types)) => {
            let Some(values) = actual.as_tuple() else {
                return Ok(false);
            };
            if items.len() != types.len() {
                return Err(format!(
                    "expected {} fields for `{}`, got {}",
                    types.len(),
                    ty.sol_type_name(),
                    items.len()
                ));
            }
            all_match(items.iter().zip(values).zip(types).map(|((e, v), t)| (e, v, t)))
        }
        (AbiExpect::List(_), _) => Err(format!("expected one expression for `{}`, got a list", ty.sol_type_name())),
    }
}

fn all_match<'a>(
    items: impl Iterator<Item = (&'a Check<AbiExpect>, &'a DynSolValue, &'a DynSolType)>,
) -> Result<bool, String> {
    let mut all = true;
    for (e, v, t) in items {
        all &= expect_matches_text(e, v, t)?;
    }
    Ok(all)
}

/// Checks that an expectation can be a value of `ty`, without comparing anything.
pub fn validate_expect(expect: &Check<AbiExpect>, ty: &DynSolType) -> Result<(), AbiError> {
    validate_expect_text(expect, ty).map_err(AbiError)
}
fn validate_expect_text(expect: &Check<AbiExpect>, ty: &DynSolType) -> Result<(), String> {
    let Check::Exact(expect) = expect else {
        return Ok(());
    };
    match (expect, ty) {
        (AbiExpect::Leaf(leaf), _) => {
            leaf_value(&leaf.value, ty).map(|_| ()).map_err(|e| format!("`{}`: {e}", leaf.original))
        }
        (AbiExpect::List(items), DynSolType::Array(inner)) => {
            items.iter().try_for_each(|e| validate_expect_text(e, inner))
        }
        (AbiExpect::List(items), DynSolType::FixedArray(inner, len)) if items.len() == *len => {
            items.iter().try_for_each(|e| validate_expect_text(e, inner))
        }
        (AbiExpect::List(items), DynSolType::Tuple(types)) if items.len() == types.len() => {
            items.iter().zip(types).try_for_each(|(e, t)| validate_expect_text(e, t))
        }
        (AbiExpect::List(items), _) => {
            Err(format!("a list of {} values cannot be a `{}`", items.len(), ty.sol_type_name()))
        }
    }
}

/// Renders an expectation as written (`*` for wildcards, lists in brackets).
pub fn render_expect(expect: &Check<AbiExpect>) -> String {
    match expect {
        Check::Any => "*".to_string(),
        Check::Exact(AbiExpect::Leaf(leaf)) => leaf.original.clone(),
        Check::Exact(AbiExpect::List(items)) => {
            format!("[{}]", items.iter().map(render_expect).collect::<Vec<_>>().join(", "))
        }
    }
}

pub(super) fn leaf_value(bytes: &[u8], ty: &DynSolType) -> Result<DynSolValue, String> {
    // Named only in errors: the name of most types is built on each call.
    let name = || ty.sol_type_name();
    match ty {
        DynSolType::Address => {
            let word =
                unsigned(bytes, 160).map_err(|_| format!("expected 20 bytes for `address`, got {}", bytes.len()))?;
            Ok(DynSolValue::Address(Address::from_word(B256::from(word))))
        }
        DynSolType::Uint(bits) => Ok(DynSolValue::Uint(unsigned(bytes, *bits)?, *bits)),
        DynSolType::Int(bits) => Ok(DynSolValue::Int(signed(bytes, *bits)?, *bits)),
        DynSolType::Bool => match bytes {
            [] | [0] => Ok(DynSolValue::Bool(false)),
            [1] => Ok(DynSolValue::Bool(true)),
            _ => Err("expected `true`, `false`, 0 or 1 for `bool`".to_string()),
        },
        DynSolType::FixedBytes(size) => {
            if bytes.len() > *size {
                return Err(format!("{} bytes do not fit `{}`", bytes.len(), name()));
            }
            let mut word = B256::ZERO;
            word[..bytes.len()].copy_from_slice(bytes);
            Ok(DynSolValue::FixedBytes(word, *size))
        }
        DynSolType::Bytes => Ok(DynSolValue::Bytes(bytes.to_vec())),
        DynSolType::String => String::from_utf8(bytes.to_vec())
            .map(DynSolValue::String)
            .map_err(|_| "expected UTF-8 text for `string`".to_string()),
        _ => Err(format!("a single expression cannot be a `{}`: use a JSON list", name())),
    }
}

/// The ABI word of `bytes` read as the value type `ty`, without building the value: what
/// [`leaf_value`]'s value's `as_word` is for an address, unsigned integer, bool or fixed bytes
/// (most arguments and logged values), `None` for other types and for bytes that do not fit
/// (whose error [`leaf_value`] gives).
pub(super) fn value_word(bytes: &[u8], ty: &DynSolType) -> Option<B256> {
    let unsigned = |bits: usize| {
        let significant = significant(bytes);
        let bit_len = significant.first().map_or(0, |top| significant.len() * 8 - top.leading_zeros() as usize);
        (bit_len <= bits).then(|| {
            let mut word = B256::ZERO;
            word[32 - significant.len()..].copy_from_slice(significant);
            word
        })
    };
    match ty {
        DynSolType::Address => unsigned(160),
        DynSolType::Uint(bits) => unsigned(*bits),
        DynSolType::Bool => match bytes {
            [] | [0] => Some(B256::ZERO),
            [1] => Some(B256::with_last_byte(1)),
            _ => None,
        },
        DynSolType::FixedBytes(size) if bytes.len() <= *size => {
            let mut word = B256::ZERO;
            word[..bytes.len()].copy_from_slice(bytes);
            Some(word)
        }
        _ => None,
    }
}

/// Reads big-endian bytes as an unsigned number of at most `bits` bits.
fn unsigned(bytes: &[u8], bits: usize) -> Result<U256, String> {
    let significant = significant(bytes);
    if significant.len() > 32 {
        return Err(format!("{} bytes do not fit 256 bits", bytes.len()));
    }
    let value = U256::from_be_slice(significant);
    if value.bit_len() > bits {
        return Err(format!("{value} does not fit uint{bits}"));
    }
    Ok(value)
}

/// The bytes from the first non-zero one.
fn significant(bytes: &[u8]) -> &[u8] {
    bytes.iter().position(|b| *b != 0).map_or(&[][..], |i| &bytes[i..])
}

/// Full-width bytes (`iN:` expressions) are two's complement; shorter ones are non-negative.
fn signed(bytes: &[u8], bits: usize) -> Result<I256, String> {
    if bytes.len() * 8 == bits {
        let mut word = [if bytes.first().is_some_and(|b| b & 0x80 != 0) { 0xff } else { 0 }; 32];
        word[32 - bytes.len()..].copy_from_slice(bytes);
        return Ok(I256::from_be_bytes(word));
    }
    let value = unsigned(bytes, bits.saturating_sub(1)).map_err(|_| format!("does not fit int{bits}"))?;
    Ok(I256::from_raw(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use scenario_format::BytesValue;

    fn leaf(original: &str, value: &[u8]) -> AbiValue {
        AbiValue::Leaf(BytesValue { original: original.into(), value: value.into() })
    }

    #[test]
    fn converts_scalars() {
        let addr = leaf("address:bob", b"bob_________________");
        let DynSolValue::Address(a) = to_sol_value_text(&addr, &DynSolType::Address).unwrap() else { panic!() };
        assert_eq!(a.as_slice(), b"bob_________________");
        let n = to_sol_value_text(&leaf("1000", &[0x03, 0xe8]), &DynSolType::Uint(256)).unwrap();
        assert_eq!(n, DynSolValue::Uint(U256::from(1000), 256));
        assert!(to_sol_value_text(&leaf("256", &[1, 0]), &DynSolType::Uint(8)).is_err());
        let minus_two = to_sol_value_text(&leaf("i16:-2", &[0xff, 0xfe]), &DynSolType::Int(16)).unwrap();
        assert_eq!(minus_two, DynSolValue::Int(I256::try_from(-2).unwrap(), 16));
        let s = to_sol_value_text(&leaf("str:hi", b"hi"), &DynSolType::String).unwrap();
        assert_eq!(s, DynSolValue::String("hi".into()));
    }

    #[test]
    fn a_value_word_is_the_converted_values_word() {
        let mut types = vec![DynSolType::Address, DynSolType::Bool, DynSolType::Int(8), DynSolType::Int(256)];
        types.extend((8..=256).step_by(8).map(DynSolType::Uint));
        types.extend((1..=32).map(DynSolType::FixedBytes));
        let mut inputs: Vec<Vec<u8>> = vec![vec![], vec![0], vec![1], vec![2], vec![0x80], vec![0xff]];
        for len in 1..=34 {
            inputs.extend([vec![0xff; len], vec![0x11; len], [vec![0; len], vec![1]].concat()]);
            inputs.push([vec![0; 34 - len], vec![0x7f], vec![0xff; len - 1]].concat());
        }
        let mut words = 0;
        for ty in &types {
            for bytes in &inputs {
                let want = leaf_value(bytes, ty).ok().and_then(|v| v.as_word());
                match value_word(bytes, ty) {
                    Some(word) => {
                        assert_eq!(Some(word), want, "{ty:?} {bytes:?}");
                        words += 1;
                    }
                    // Only signed integers are left to the conversion.
                    None => assert!(want.is_none() || matches!(ty, DynSolType::Int(_)), "{ty:?} {bytes:?}"),
                }
            }
        }
        assert!(words > 2_000, "{words}");
    }

    #[test]
    fn converts_lists_and_rejects_shape_errors() {
        let list = AbiValue::List(vec![leaf("1", &[1]), leaf("2", &[2])]);
        let ty = DynSolType::Array(Box::new(DynSolType::Uint(256)));
        assert_eq!(to_sol_value_text(&list, &ty).unwrap().as_array().unwrap().len(), 2);
        assert!(to_sol_value_text(&leaf("1", &[1]), &ty).is_err());
        assert!(to_sol_value_text(&list, &DynSolType::Uint(256)).is_err());
    }
}
