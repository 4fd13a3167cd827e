//! The raw layer: serde structs that map 1:1 to the JSON, rejecting unknown fields.
//!
//! [`parse_scenario`] is the strict entry point. It reads the top level with
//! `serde_path_to_error`, keeps each step as a borrowed slice of the file text, reads the step's
//! `step` tag, then parses the step's own struct from that slice, so errors inside steps keep
//! their full JSON path (serde's internally tagged enums buffer their content and lose it).
//! [`StepRaw`] still derives the tagged `Deserialize` for other uses.

mod common;
mod expect;
mod plain;
mod ready;
mod state;
mod steps;
mod top_each;

pub use common::{AbiRaw, CheckMap, RawMap, StepTag, Text, ValueRaw};
pub use expect::{CustomErrorRaw, ErrorRaw, ExpectRaw, LogEntryRaw, LogRaw, LogsRaw};
pub use state::{AccountCheckRaw, AccountRaw, ArbitrumRaw, BlockRaw, NewAddressRaw, ProgramCheckRaw};
pub use steps::{
    ActivateRaw, ActivateTxRaw, CallRaw, CallTxRaw, CheckStateRaw, DeployRaw, DeployTxRaw, DumpStateRaw,
    ExternalStepsRaw, SetStateRaw, TransferRaw, TransferTxRaw,
};
pub use top_each::{HandedStep, TopError, parse_top_each};

use std::borrow::Cow;

use crate::locate::{Structural, find_structural_error, line_col};
use crate::model::Quotes;
use crate::path;
use rayon::prelude::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

/// A scenario or steps file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, expecting = "a scenario object with `steps`")]
pub struct ScenarioRaw {
    /// `$schema`, for editors; ignored.
    #[serde(rename = "$schema")]
    pub schema: Option<Text>,
    /// Scenario name.
    pub name: Option<Text>,
    /// Free text.
    pub comment: Option<Text>,
    /// Executors allowed to run this file.
    pub executors: Option<Vec<Text>>,
    /// The steps.
    pub steps: Vec<StepRaw>,
    /// Byte offset of each step in the source text (for positions in messages).
    #[serde(skip)]
    pub step_offsets: Vec<usize>,
}

/// A step, tagged by its `step` field.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "step", rename_all = "camelCase")]
pub enum StepRaw {
    /// `setState`.
    SetState(Box<SetStateRaw>),
    /// `deploy`.
    Deploy(Box<DeployRaw>),
    /// `activate`.
    Activate(Box<ActivateRaw>),
    /// `call`.
    Call(Box<CallRaw>),
    /// `query`.
    Query(Box<CallRaw>),
    /// `transfer`.
    Transfer(Box<TransferRaw>),
    /// `checkState`.
    CheckState(Box<CheckStateRaw>),
    /// `dumpState`.
    DumpState(Box<DumpStateRaw>),
    /// `externalSteps`.
    ExternalSteps(Box<ExternalStepsRaw>),
    /// A plain `call` or `query`, read straight into the model (never by serde).
    #[serde(skip)]
    Ready(ReadyRaw),
}

/// A step read straight into the model ([`ready`]), with its id and comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadyRaw {
    /// The interpreted step (boxed as the loader hands steps on).
    pub step: Box<crate::model::Step>,
    /// Step id.
    pub id: Option<Text>,
    /// Free text.
    pub comment: Option<Text>,
}

impl StepRaw {
    /// The name of this kind of step (`call`, `setState`, …).
    pub fn name(&self) -> &'static str {
        match self {
            StepRaw::SetState(_) => "setState",
            StepRaw::Deploy(_) => "deploy",
            StepRaw::Activate(_) => "activate",
            StepRaw::Call(_) => "call",
            StepRaw::Query(_) => "query",
            StepRaw::Transfer(_) => "transfer",
            StepRaw::CheckState(_) => "checkState",
            StepRaw::DumpState(_) => "dumpState",
            StepRaw::ExternalSteps(_) => "externalSteps",
            StepRaw::Ready(r) => r.step.name(),
        }
    }

    /// The `step` tag as read from the step's own object (`None` when read as a tagged enum).
    fn tag(&self) -> Option<StepTag> {
        match self {
            StepRaw::SetState(s) => s.step,
            StepRaw::Deploy(s) => s.step,
            StepRaw::Activate(s) => s.step,
            StepRaw::Call(s) | StepRaw::Query(s) => s.step,
            StepRaw::Transfer(s) => s.step,
            StepRaw::CheckState(s) => s.step,
            StepRaw::DumpState(s) => s.step,
            StepRaw::ExternalSteps(s) => s.step,
            StepRaw::Ready(r) => Some(StepTag(Some(r.step.name()))),
        }
    }
}

/// The step names, in the order of [`StepRaw`].
pub const STEP_NAMES: &[&str] =
    &["setState", "deploy", "activate", "call", "query", "transfer", "checkState", "dumpState", "externalSteps"];

/// A file that does not have the format's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawError {
    /// Where, in [`crate::path`] syntax.
    pub json_path: String,
    /// What is wrong.
    pub message: String,
    /// Line and column when the parser knows them (syntax errors, duplicate keys); otherwise
    /// the caller locates `json_path`.
    pub position: Option<(usize, usize)>,
    /// Whether the error is about the key at the end of `json_path` (unknown field) rather
    /// than its value.
    pub at_key: bool,
    /// Where serde stopped, relative to the text it parsed: used when `json_path` cannot be
    /// found in the text (e.g. an unknown key followed by a missing colon).
    pub parser_position: Option<(usize, usize)>,
}

#[derive(Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, expecting = "a scenario object with `steps`")]
struct Shell<'a> {
    #[serde(rename = "$schema")]
    schema: Option<Text>,
    name: Option<Text>,
    comment: Option<Text>,
    executors: Option<Vec<Text>>,
    #[serde(borrow)]
    steps: Vec<&'a RawValue>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Shell<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Shell::deserialize(common::ObjectOnly(d))
    }
}

common::objects_only!(ScenarioRaw);

#[derive(Deserialize)]
struct Tag<'a> {
    #[serde(borrow)]
    step: Option<&'a RawValue>,
}

/// Parses a file strictly: syntax, unknown fields, duplicate keys, types.
pub fn parse_scenario(text: &str) -> Result<ScenarioRaw, RawError> {
    let (mut raw, steps) = parse_scenario_then(text, |_, step| step)?;
    raw.steps = steps;
    Ok(raw)
}

/// [`parse_scenario`], handing each parsed step to `then` (with its index) as soon as it is
/// parsed, so that a large file's raw steps are never all in memory at once: the result has no
/// `steps`, and the second value holds what `then` made of each. `then` may run for steps of a
/// file that turns out to be invalid; its results are dropped then, and the error is the one
/// [`parse_scenario`] gives.
pub fn parse_scenario_then<T: Send>(
    text: &str,
    then: impl Fn(usize, StepRaw) -> T + Sync,
) -> Result<(ScenarioRaw, Vec<T>), RawError> {
    let top = parse_top(text)?;
    // The duplicate-key scan reads the whole text; it runs beside the step parsing.
    let (structure, steps) = rayon::join(|| check_structure(text), || top.steps(0..top.len(), &then));
    structure?;
    Ok((top.raw, steps?))
}

/// A file's top level, parsed, with its steps still as text: [`TopLevel::steps`] parses them a
/// range at a time. The duplicate keys and `null`s inside steps are [`check_structure`]'s.
#[derive(Debug)]
pub struct TopLevel<'a> {
    /// The top-level fields (no `steps`).
    pub raw: ScenarioRaw,
    steps: Vec<&'a RawValue>,
}

/// Parses the top level of a file: syntax of the whole document, the top-level keys, and the
/// boundaries of its steps.
pub fn parse_top(text: &str) -> Result<TopLevel<'_>, RawError> {
    let mut de = serde_json::Deserializer::from_str(text);
    // Path tracking allocates per key: only a document that fails is parsed again with it.
    let shell: Shell<'_> = match Shell::deserialize(common::ObjectOnly(&mut de)) {
        Ok(shell) => shell,
        Err(_) => {
            let mut de = serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize(&mut de).map_err(|e| convert(e, ""))?
        }
    };
    de.end().map_err(|e| RawError {
        json_path: String::new(),
        message: "trailing characters after the JSON document".to_owned(),
        position: Some((e.line(), e.column().max(1))),
        at_key: false,
        parser_position: None,
    })?;
    let step_offsets = shell.steps.iter().map(|raw| raw.get().as_ptr() as usize - text.as_ptr() as usize).collect();
    let raw = ScenarioRaw {
        step_offsets,
        schema: shell.schema,
        name: shell.name,
        comment: shell.comment,
        executors: shell.executors,
        steps: Vec::new(),
    };
    Ok(TopLevel { raw, steps: shell.steps })
}

impl TopLevel<'_> {
    /// How many steps the file has.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether the file has no steps.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Parses the steps of `range`, in parallel, handing each to `then` (with its index); the
    /// error is the first by index.
    pub fn steps<T: Send>(
        &self,
        range: std::ops::Range<usize>,
        then: impl Fn(usize, StepRaw) -> T + Sync,
    ) -> Result<Vec<T>, RawError> {
        let steps = self.steps[range.clone()].par_iter().with_min_len(64).zip(range);
        // Collected in place (an indexed collect), then the first error taken in order.
        let parsed: Vec<Result<T, RawError>> =
            steps.map(|(raw, i)| parse_step(raw.get(), i).map(|step| then(i, step))).collect();
        parsed.into_iter().collect()
    }
}

/// The first duplicate key or `null` of the whole text, as an error.
pub fn check_structure(text: &str) -> Result<(), RawError> {
    let Some((kind, json_path, offset)) = find_structural_error(text) else {
        return Ok(());
    };
    let message = match kind {
        Structural::DuplicateKey => {
            let key = path::parse(&json_path).and_then(|s| match s.last() {
                Some(path::PathSegment::Key(k)) => Some(k.clone()),
                _ => None,
            });
            format!("duplicate key `{}`", key.unwrap_or_default())
        }
        Structural::Null => "got `null`, expected a value (leave an optional field out instead)".to_owned(),
    };
    let at_key = kind == Structural::DuplicateKey;
    Err(RawError { message, json_path, position: Some(line_col(text, offset)), at_key, parser_position: None })
}

pub(crate) fn parse_step(text: &str, index: usize) -> Result<StepRaw, RawError> {
    // Built only for an error: a large file has many steps.
    let at = || path::join_index("steps", index);
    let plain = |json_path: String, message: String| RawError {
        json_path,
        message,
        position: None,
        at_key: false,
        parser_position: None,
    };
    // Only error messages list the names: not built for every step of a large file.
    let names = || STEP_NAMES.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    if !text.starts_with('{') {
        return Err(plain(at(), format!("got `{text}`, expected a step object")));
    }
    let name: Cow<'_, str> = match quick_tag(text) {
        Some(name) => Cow::Borrowed(name),
        None => {
            let tag: Tag<'_> = serde_json::from_str(text).map_err(|e| plain(at(), e.to_string()))?;
            let Some(tag) = tag.step else {
                return Err(plain(at(), format!("missing field `step`, expected one of {}", names())));
            };
            Cow::Owned(serde_json::from_str(tag.get()).unwrap_or_else(|_| tag.get().to_owned()))
        }
    };
    /// The whole step text, with the error's path when it does not parse.
    struct Whole<'a>(&'a str);
    impl ReadAs<Result<StepRaw, TrackedError>> for Whole<'_> {
        fn read<T: DeserializeOwned>(self, wrap: fn(T) -> StepRaw) -> Result<StepRaw, TrackedError> {
            parse_as(self.0).map(wrap)
        }
    }
    if let Some((step, len)) = ready::read_call(text, &name, Quotes::Kept)
        && len == text.len()
    {
        return Ok(step);
    }
    match read_named(&name, Whole(text)) {
        Some(read) => read.map_err(|e| convert(e, &at())),
        None => {
            let message = format!("unknown step `{name}`, expected one of {}", names());
            Err(plain(path::join_key(&at(), "step"), message))
        }
    }
}

/// Reads a step given the constructor of its [`StepRaw`] variant.
trait ReadAs<R> {
    fn read<T: DeserializeOwned>(self, wrap: fn(T) -> StepRaw) -> R;
}

/// Reads a step of type `name` with `reader`; `None` for an unknown type.
fn read_named<R>(name: &str, reader: impl ReadAs<R>) -> Option<R> {
    Some(match name {
        "setState" => reader.read(StepRaw::SetState),
        "deploy" => reader.read(StepRaw::Deploy),
        "activate" => reader.read(StepRaw::Activate),
        "call" => reader.read(StepRaw::Call),
        "query" => reader.read(StepRaw::Query),
        "transfer" => reader.read(StepRaw::Transfer),
        "checkState" => reader.read(StepRaw::CheckState),
        "dumpState" => reader.read(StepRaw::DumpState),
        "externalSteps" => reader.read(StepRaw::ExternalSteps),
        _ => return None,
    })
}

/// The step at the start of `rest` (a file's text from a step on) and its length, when serde
/// reads it where it stands and the structural scan could not object: its `step` tag is a plain
/// string (found without parsing the step), it parses (serde rejects a repeated field, and
/// [`RawMap`] and [`CheckMap`] a repeated key), and its text has no `null` (which serde would
/// read as a missing field). `None` says nothing about the step: the caller delimits it with the
/// scan and parses it as usual.
///
/// `guess`, the kind the steps before were, is tried first when the tag is not the first key
/// (files written with sorted keys have it after `expect`): a step that parses as that kind and
/// whose own tag, as serde read it, names it, is that kind. Otherwise the tag is found by skipping
/// the keys before it.
pub(crate) fn parse_step_ahead(rest: &str, guess: Option<&'static str>, quotes: Quotes) -> Option<(StepRaw, usize)> {
    /// One JSON value read from the start of the text, and where it ends.
    struct Ahead<'a>(&'a str);
    impl ReadAs<Option<(StepRaw, usize)>> for Ahead<'_> {
        fn read<T: DeserializeOwned>(self, wrap: fn(T) -> StepRaw) -> Option<(StepRaw, usize)> {
            let mut values = serde_json::Deserializer::from_str(self.0).into_iter::<T>();
            let value = values.next()?.ok()?;
            Some((wrap(value), values.byte_offset()))
        }
    }
    let no_null = |(step, len): (StepRaw, usize)| (!rest.get(..len)?.contains("null")).then_some((step, len));
    // A plainly written call is read straight into the model; it has no `null` (the reader
    // declines one).
    let plain = |tag: &str| ready::read_call(rest, tag, quotes);
    if let Some(tag) = quick_tag(rest) {
        return plain(tag).or_else(|| no_null(read_named(tag, Ahead(rest))??));
    }
    if let Some(guess) = guess {
        if let Some(read) = plain(guess) {
            return Some(read);
        }
        if let Some(Some(read)) = read_named(guess, Ahead(rest))
            && read.0.tag() == Some(StepTag(Some(guess)))
        {
            return no_null(read);
        }
    }
    let tag = crate::locate::Scanner::new(rest).plain_string_of_key("step")?;
    plain(tag).or_else(|| no_null(read_named(tag, Ahead(rest))??))
}

/// The step name when `"step"` is the object's first key with a plain string value (the usual
/// layout), without parsing the step twice; `None` sends the caller to the full parse.
fn quick_tag(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('{')?.trim_start().strip_prefix("\"step\"")?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start().strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    (rest.as_bytes()[end] == b'"').then(|| &rest[..end])
}

type TrackedError = serde_path_to_error::Error<serde_json::Error>;

/// Parses with plain serde first; only a failing step is parsed again with path tracking,
/// which allocates for every key and would dominate the load time of large suites.
fn parse_as<T: DeserializeOwned>(text: &str) -> Result<T, TrackedError> {
    if let Ok(value) = serde_json::from_str(text) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de)
}

/// Turns a tracked serde error into a [`RawError`] under `base` (the step's path, or root).
fn convert(error: TrackedError, base: &str) -> RawError {
    let mut segments = Vec::new();
    for seg in error.path().iter() {
        match seg {
            serde_path_to_error::Segment::Seq { index } => {
                segments.push(path::PathSegment::Index(*index));
            }
            serde_path_to_error::Segment::Map { key } => {
                segments.push(path::PathSegment::Key(key.clone()));
            }
            _ => {}
        }
    }
    let inner = error.inner();
    let syntax = !inner.is_data() && inner.line() > 0;
    let mut message = inner.to_string();
    if inner.line() > 0 {
        let suffix = format!(" at line {} column {}", inner.line(), inner.column());
        if let Some(stripped) = message.strip_suffix(&suffix) {
            message = stripped.to_owned();
        }
    }
    let at_key = message.starts_with("unknown field") || message.starts_with("duplicate field");
    let parsed_at = (inner.line() > 0).then(|| (inner.line(), inner.column().max(1)));
    RawError {
        json_path: path::join(base, &path::render(&segments)),
        message,
        position: if syntax { parsed_at } else { None },
        at_key,
        // Only the top level is parsed from the file's own text; steps are parsed from slices.
        parser_position: if base.is_empty() { parsed_at } else { None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> RawError {
        match parse_scenario(text) {
            Ok(raw) => panic!("parsed: {raw:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn errors_inside_steps_keep_their_path() {
        let e = err(r#"{"steps": [{"step": "setState"}, {"tx": {"from": "a", "gasLimt": "1"}, "step": "call"}]}"#);
        assert_eq!(e.json_path, "steps[1].tx.gasLimt");
        assert!(e.message.starts_with("unknown field `gasLimt`, expected one of `from`, `to`"));
        assert!(e.at_key);
        let e = err(r#"{"steps": [{"step": "setState", "accounts": {"address:a": {"balance": 5}}}]}"#);
        assert_eq!(e.json_path, r#"steps[0].accounts["address:a"].balance"#);
        assert!(e.message.contains("write numbers as strings"), "{}", e.message);
        let e = err(r#"{"steps": [{"step": "checkState", "accounts": {"+": "x"}}]}"#);
        assert_eq!(e.json_path, r#"steps[0].accounts["+"]"#);
        let e = err(
            r#"{"steps": [{"step": "call", "tx": {"to": "a"}, "expect": {"logs": [{"address": "a", "dat": 1}]}}]}"#,
        );
        assert_eq!(e.json_path, "steps[0].expect.logs[0].dat");
        let e =
            err(r#"{"steps": [{"step": "call", "tx": {"to": "a"}, "expect": {"error": {"signature": "a", "x": 1}}}]}"#);
        assert_eq!(e.json_path, "steps[0].expect.error.x");
        let e = err(r#"{"steps": [{"step": "call", "tx": "x"}]}"#);
        assert_eq!(e.json_path, "steps[0].tx");
        assert!(e.message.contains("expected an object"), "{}", e.message);
    }

    #[test]
    fn top_level_and_syntax_errors() {
        let e = err(r#"{"steps": [], "nme": 1}"#);
        assert_eq!((e.json_path.as_str(), e.at_key), ("nme", true));
        let e = err("{\"steps\": [1,]}");
        assert_eq!((e.message.as_str(), e.position), ("trailing comma", Some((1, 14))));
        let e = err("{\"steps\": []} x");
        assert_eq!(e.position, Some((1, 15)));
        let e = err("[]");
        assert!(e.message.contains("expected a scenario object with `steps`"), "{}", e.message);
        let e = err("{}");
        assert_eq!(e.message, "missing field `steps`");
    }

    #[test]
    fn step_tags() {
        let e = err(r#"{"steps": [{"step": "cal"}]}"#);
        assert_eq!(e.json_path, "steps[0].step");
        assert!(e.message.starts_with("unknown step `cal`, expected one of `setState`"));
        let e = err(r#"{"steps": [{"tx": {}}]}"#);
        assert_eq!(e.json_path, "steps[0]");
        assert!(e.message.starts_with("missing field `step`"));
        let e = err(r#"{"steps": ["call"]}"#);
        assert!(e.message.contains("expected a step object"));
        let e = err("{\"steps\": [{\"step\": \"call\", \"tx\": {\"to\": \"a\"}, \"tx\": {}}]}");
        assert_eq!((e.json_path.as_str(), e.message.as_str()), ("steps[0].tx", "duplicate key `tx`"));
        assert_eq!(e.position, Some((1, 48)));
    }

    #[test]
    fn tagged_enum_derive_agrees() {
        let text = r#"{"step": "transfer", "id": "t", "tx": {"from": "a", "to": "b", "value": ["1", "2"]}}"#;
        let direct: StepRaw = serde_json::from_str(text).unwrap();
        let scenario = parse_scenario(&format!("{{\"steps\": [{text}]}}")).unwrap();
        let StepRaw::Transfer(mut t) = scenario.steps[0].clone() else { panic!() };
        assert_eq!(t.step, Some(StepTag(Some("transfer"))));
        t.step = None;
        assert_eq!(direct, StepRaw::Transfer(t));
    }
}
