//! Raw JSON shapes shared by several objects, with visitors whose errors say what was expected
//! (untagged enums would only say "did not match any variant").

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A byte-valued field: one expression, or a list of expressions to concatenate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueRaw {
    /// `"0x01"`.
    Str(String),
    /// `["0x01", "str:a"]`: the concatenation.
    List(Vec<String>),
}

/// An ABI value: a string is a value expression, a list is an array or tuple.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AbiRaw {
    /// A value expression.
    Str(String),
    /// An array or tuple.
    List(Vec<AbiRaw>),
}

/// A JSON object read in file order, keeping every key (duplicates are rejected earlier, by
/// the loader's scan of the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMap<V>(pub Vec<(String, V)>);

/// A JSON object that may contain `"+": ""` (more entries allowed) besides its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckMap<V> {
    /// The entries other than `+`, in file order.
    pub entries: Vec<(String, V)>,
    /// Whether `"+": ""` is present.
    pub more: bool,
}

/// A deserializer that reads objects only. A derived struct also accepts serde's sequence form
/// (`"tx": ["address:a", "0x00"]`, fields by position), which the JSON Schema rejects; the raw
/// structs read themselves through this, so an array where an object belongs is an error.
pub(crate) struct ObjectOnly<D>(pub(crate) D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// `Deserialize` for raw structs derived with `#[serde(remote = "Self")]`: the derived code,
/// reading through [`ObjectOnly`].
macro_rules! objects_only {
    ($($ty:ident),* $(,)?) => {$(
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $ty::deserialize($crate::raw::common::ObjectOnly(d))
            }
        }
    )*};
}
pub(crate) use objects_only;

/// The error for a JSON number where a string expression is expected.
pub(crate) fn number_hint<E: de::Error>(v: impl fmt::Display) -> E {
    E::custom(format!("got the JSON number {v}, expected a string expression (write numbers as strings: \"{v}\")"))
}

macro_rules! number_visits {
    () => {
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Err($crate::raw::common::number_hint(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Err($crate::raw::common::number_hint(v))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Err($crate::raw::common::number_hint(v))
        }
    };
}
pub(crate) use number_visits;

/// A string that must not be given as a JSON number (for names, signatures, statuses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StringOnly(|s| Text(s.to_owned())))
    }
}

/// A step's `step` tag read as a field of its own struct: the step name it is, when it is one
/// (`None` for any other string), so that reading it allocates nothing and a step read as a
/// guessed kind can be checked against its own tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepTag(pub Option<&'static str>);

impl StepTag {
    /// The tag of a step whose `step` field is `text`.
    pub(crate) fn of(text: &str) -> Self {
        StepTag(super::STEP_NAMES.iter().find(|name| **name == text).copied())
    }
}

impl<'de> Deserialize<'de> for StepTag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StringOnly(StepTag::of))
    }
}

/// Visits a JSON string (a number is an error with a hint), made into a value by the function.
struct StringOnly<T>(fn(&str) -> T);

impl<T> Visitor<'_> for StringOnly<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(v))
    }
    number_visits!();
}

impl<'de> Deserialize<'de> for ValueRaw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ValueRaw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value expression (a string, or a list of strings to concatenate)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ValueRaw, E> {
                Ok(ValueRaw::Str(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ValueRaw, A::Error> {
                let mut parts = Vec::new();
                while let Some(Text(part)) = seq.next_element()? {
                    parts.push(part);
                }
                Ok(ValueRaw::List(parts))
            }
            number_visits!();
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for AbiRaw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AbiRaw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ABI value (a string expression, or a list for an array or tuple)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AbiRaw, E> {
                Ok(AbiRaw::Str(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AbiRaw, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(AbiRaw::List(items))
            }
            number_visits!();
        }
        d.deserialize_any(V)
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for RawMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Vis<V> {
            type Value = RawMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawMap<V>, A::Error> {
                let mut entries = Vec::new();
                let mut keys = Keys::default();
                while let Some(key) = map.next_key::<String>()? {
                    keys.insert(&key, entries.iter().map(|(k, _)| k))?;
                    entries.push((key, map.next_value()?));
                }
                Ok(RawMap(entries))
            }
        }
        d.deserialize_map(Vis(PhantomData))
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for CheckMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Vis<V> {
            type Value = CheckMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object (with `\"+\": \"\"` to allow unlisted entries)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CheckMap<V>, A::Error> {
                let mut out = CheckMap { entries: Vec::new(), more: false };
                let mut keys = Keys::default();
                while let Some(key) = map.next_key::<String>()? {
                    if key == crate::value::prefixes::MORE {
                        if out.more {
                            return Err(Keys::repeated(&key));
                        }
                        map.next_value::<MoreMarker>()?;
                        out.more = true;
                    } else {
                        keys.insert(&key, out.entries.iter().map(|(k, _)| k))?;
                        out.entries.push((key, map.next_value()?));
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(Vis(PhantomData))
    }
}

/// The keys of an object read so far, to reject a repeated one. The loader's scan of the text
/// finds repeated keys first (with their place) when it runs; a step read ahead of the scan
/// (`parse_step_ahead`) relies on this, and on serde's own check of struct fields.
#[derive(Default)]
struct Keys(Option<std::collections::HashSet<String>>);

impl Keys {
    /// Entries compared one by one below this many.
    const SMALL: usize = 16;

    /// Adds `key` to the object whose keys so far are `earlier`; an error if it is among them.
    fn insert<'k, E: de::Error>(
        &mut self,
        key: &str,
        mut earlier: impl ExactSizeIterator<Item = &'k String>,
    ) -> Result<(), E> {
        let fresh = match &mut self.0 {
            Some(set) => set.insert(key.to_owned()),
            None if earlier.len() < Self::SMALL => !earlier.any(|k| k == key),
            None => {
                let set = self.0.insert(earlier.cloned().collect());
                set.insert(key.to_owned())
            }
        };
        if fresh { Ok(()) } else { Err(Self::repeated(key)) }
    }

    fn repeated<E: de::Error>(key: &str) -> E {
        E::custom(format!("duplicate key `{key}`"))
    }
}

/// The value of a `"+"` key: must be `""`.
struct MoreMarker;

impl<'de> Deserialize<'de> for MoreMarker {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Text(v) = Text::deserialize(d)?;
        if v.is_empty() {
            Ok(MoreMarker)
        } else {
            Err(de::Error::custom(format!("got {v:?}, expected \"\" (`\"+\": \"\"` allows unlisted entries)")))
        }
    }
}
