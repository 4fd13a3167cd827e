//! Raw `expect` objects.

use super::common::{AbiRaw, Text, ValueRaw, number_visits};
use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A transaction's expectations; each omitted field is not checked.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct ExpectRaw {
    /// Status name or `*`.
    pub status: Option<Text>,
    /// A list of ABI values (decoded by the function's return types) or one raw expression.
    pub out: Option<AbiRaw>,
    /// `"str:message"` or `{signature, args}`.
    pub error: Option<ErrorRaw>,
    /// Expected logs.
    pub logs: Option<LogsRaw>,
    /// Deployed address (deploy).
    pub address: Option<ValueRaw>,
    /// `"N"`, `"<=N"`, `">=N"`.
    pub gas_used: Option<Text>,
    /// Like `gasUsed`, for ink.
    pub ink: Option<Text>,
    /// Activation: data fee.
    pub data_fee: Option<ValueRaw>,
    /// Activation: Stylus version.
    pub version: Option<ValueRaw>,
    /// Activation: module hash.
    pub module_hash: Option<ValueRaw>,
    /// Activation: footprint.
    pub footprint: Option<ValueRaw>,
    /// Activation: init cost.
    pub init_cost: Option<ValueRaw>,
    /// Activation: cached init cost.
    pub cached_cost: Option<ValueRaw>,
    /// Activation: ASM size estimate.
    pub asm_estimate: Option<ValueRaw>,
}

/// `expect.error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorRaw {
    /// `"str:message"` (an `Error(string)` message), or `"*"`.
    Message(String),
    /// `{"signature": "...", "args": [...]}`.
    Custom(CustomErrorRaw),
}

/// A custom error expectation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, expecting = "an object")]
pub struct CustomErrorRaw {
    /// `InsufficientBalance(uint256,uint256)`.
    pub signature: Text,
    /// Its arguments.
    pub args: Option<Vec<AbiRaw>>,
}

/// `expect.logs`: `"*"` or a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogsRaw {
    /// `"*"`.
    Any,
    /// The ordered entries.
    List(Vec<LogEntryRaw>),
}

/// An element of `expect.logs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEntryRaw {
    /// `"+"`: more logs allowed (only last).
    More,
    /// A log.
    Log(LogRaw),
}

/// One expected log: raw (`topics`, `data`) or decoded (`event`, `args`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, expecting = "an object")]
pub struct LogRaw {
    /// Emitting contract.
    pub address: ValueRaw,
    /// Raw topics.
    pub topics: Option<Vec<ValueRaw>>,
    /// Raw data.
    pub data: Option<ValueRaw>,
    /// Event signature with `indexed` markers.
    pub event: Option<Text>,
    /// Event arguments in declaration order.
    pub args: Option<Vec<AbiRaw>>,
}

impl<'de> Deserialize<'de> for ErrorRaw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ErrorRaw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`\"str:message\"` or `{\"signature\": ..., \"args\": [...]}`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ErrorRaw, E> {
                Ok(ErrorRaw::Message(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ErrorRaw, A::Error> {
                CustomErrorRaw::deserialize(MapAccessDeserializer::new(map)).map(ErrorRaw::Custom)
            }
            number_visits!();
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for LogsRaw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LogsRaw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of logs (optionally ending with \"+\"), or \"*\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LogsRaw, E> {
                match v {
                    "*" => Ok(LogsRaw::Any),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LogsRaw, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = seq.next_element()? {
                    entries.push(entry);
                }
                Ok(LogsRaw::List(entries))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for LogEntryRaw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LogEntryRaw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a log object, or \"+\" as the last entry")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LogEntryRaw, E> {
                match v {
                    "+" => Ok(LogEntryRaw::More),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LogEntryRaw, A::Error> {
                LogRaw::deserialize(MapAccessDeserializer::new(map)).map(LogEntryRaw::Log)
            }
        }
        d.deserialize_any(V)
    }
}

super::common::objects_only!(ExpectRaw, CustomErrorRaw, LogRaw);
