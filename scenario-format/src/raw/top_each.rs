//! The top level of a file read in one pass that hands each step on as the parser passes its
//! end ([`parse_top_each`]): the steps at the start of a large file can be used before the rest
//! of it is read.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::{RawError, ScenarioRaw, Text, parse_top};

/// How [`parse_top_each`] failed.
#[derive(Debug)]
pub enum TopError<E> {
    /// The file's top level is not valid (the error [`parse_top`] gives).
    Raw(RawError),
    /// `each` failed on a step.
    Step(E),
}

/// Parses the top level of a file as [`parse_top`] does, but hands each step to `each` (its
/// index, its text, its byte offset) as soon as the parser has passed it, before the rest of the
/// file is read. The first error of `each` stops the parse. A file whose top level is invalid
/// fails with the error [`parse_top`] gives (found after the steps before it were handed on).
pub fn parse_top_each<'t, E>(
    text: &'t str,
    each: &mut dyn FnMut(usize, &'t str, usize) -> Result<(), E>,
) -> Result<ScenarioRaw, TopError<E>> {
    let mut failed = None;
    let mut de = serde_json::Deserializer::from_str(text);
    let shell =
        ShellSeed { text, each, failed: &mut failed }.deserialize(&mut de).and_then(|raw| de.end().map(|()| raw));
    match (shell, failed) {
        (_, Some(e)) => Err(TopError::Step(e)),
        (Ok(raw), None) => Ok(raw),
        (Err(e), None) => Err(TopError::Raw(parse_top(text).err().unwrap_or_else(|| RawError {
            // Not expected: both parsers accept the same files (tests hold them to it).
            json_path: String::new(),
            message: format!("the top level of the file cannot be read: {e}"),
            position: Some((e.line(), e.column().max(1))),
            at_key: false,
            parser_position: None,
        }))),
    }
}

/// The fields [`super::Shell`] accepts.
const FIELDS: &[&str] = &["$schema", "name", "comment", "executors", "steps"];

struct ShellSeed<'t, 'f, E> {
    text: &'t str,
    each: &'f mut dyn FnMut(usize, &'t str, usize) -> Result<(), E>,
    failed: &'f mut Option<E>,
}

impl<'t, E> DeserializeSeed<'t> for ShellSeed<'t, '_, E> {
    type Value = ScenarioRaw;

    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<ScenarioRaw, D::Error> {
        d.deserialize_map(self)
    }
}

/// A field given twice is an error, as in derived structs.
fn once<T, Er: de::Error>(slot: &mut Option<T>, key: &'static str, value: T) -> Result<(), Er> {
    if slot.replace(value).is_some() {
        return Err(Er::duplicate_field(key));
    }
    Ok(())
}

impl<'t, E> Visitor<'t> for ShellSeed<'t, '_, E> {
    type Value = ScenarioRaw;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scenario object with `steps`")
    }

    fn visit_map<A: MapAccess<'t>>(self, mut map: A) -> Result<ScenarioRaw, A::Error> {
        let mut raw = ScenarioRaw {
            schema: None,
            name: None,
            comment: None,
            executors: None,
            steps: Vec::new(),
            step_offsets: Vec::new(),
        };
        let (mut schema, mut name, mut comment, mut executors) = (None, None, None, None);
        let mut steps = None;
        let ShellSeed { text, each, failed } = self;
        while let Some(key) = map.next_key::<std::borrow::Cow<'t, str>>()? {
            match key.as_ref() {
                "$schema" => once(&mut schema, "$schema", map.next_value::<Option<Text>>()?)?,
                "name" => once(&mut name, "name", map.next_value::<Option<Text>>()?)?,
                "comment" => once(&mut comment, "comment", map.next_value::<Option<Text>>()?)?,
                "executors" => once(&mut executors, "executors", map.next_value::<Option<Vec<Text>>>()?)?,
                "steps" => {
                    if steps.is_some() {
                        return Err(de::Error::duplicate_field("steps"));
                    }
                    let seed = StepsSeed { text, each: &mut *each, failed: &mut *failed };
                    steps = Some(map.next_value_seed(seed)?);
                }
                other => return Err(de::Error::unknown_field(other, FIELDS)),
            }
        }
        raw.step_offsets = steps.ok_or_else(|| de::Error::missing_field("steps"))?;
        (raw.schema, raw.name, raw.comment, raw.executors) =
            (schema.flatten(), name.flatten(), comment.flatten(), executors.flatten());
        Ok(raw)
    }
}

/// The `steps` array: each element handed on; gives the elements' offsets.
struct StepsSeed<'t, 'f, E> {
    text: &'t str,
    each: &'f mut dyn FnMut(usize, &'t str, usize) -> Result<(), E>,
    failed: &'f mut Option<E>,
}

impl<'t, E> DeserializeSeed<'t> for StepsSeed<'t, '_, E> {
    type Value = Vec<usize>;

    fn deserialize<D: de::Deserializer<'t>>(self, d: D) -> Result<Vec<usize>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'t, E> Visitor<'t> for StepsSeed<'t, '_, E> {
    type Value = Vec<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'t>>(self, mut seq: A) -> Result<Vec<usize>, A::Error> {
        let mut offsets = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(step) = seq.next_element::<&'t RawValue>()? {
            let offset = step.get().as_ptr() as usize - self.text.as_ptr() as usize;
            if let Err(e) = (self.each)(offsets.len(), step.get(), offset) {
                *self.failed = Some(e);
                return Err(de::Error::custom("stopped"));
            }
            offsets.push(offset);
        }
        Ok(offsets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Parsed = Result<ScenarioRaw, RawError>;

    /// Both parsers on `text`: what `parse_top` gives, and what `parse_top_each` gives with the
    /// steps it handed on (index, text, offset).
    fn both(text: &str) -> (Parsed, Parsed, Vec<(usize, String, usize)>) {
        let whole = parse_top(text).map(|top| top.raw);
        let mut steps = Vec::new();
        let each = parse_top_each::<()>(text, &mut |i, step, offset| {
            steps.push((i, step.to_owned(), offset));
            Ok(())
        });
        let each = each.map_err(|e| match e {
            TopError::Raw(e) => e,
            TopError::Step(()) => unreachable!("the callback never fails"),
        });
        (whole, each, steps)
    }

    #[test]
    fn it_accepts_and_rejects_what_parse_top_does() {
        let texts = [
            r#"{"steps": []}"#,
            r#"{"name": "n", "comment": "c", "$schema": "s", "executors": ["wasmer"], "steps": [{"a": 1}, {"b": [2]}]}"#,
            r#"{"steps": [{"x": 1}], "name": "after the steps"}"#,
            r#"{"n\u0061me": "escaped key", "steps": []}"#,
            r#"{"name": null, "steps": []}"#,
            r#"{"name": "a", "name": "b", "steps": []}"#,
            r#"{"steps": [], "steps": []}"#,
            r#"{"stepz": []}"#,
            r#"{"name": "no steps"}"#,
            r#"{"steps": {}}"#,
            r#"[{"steps": []}]"#,
            r#"{"steps": [{"a": 1}]} trailing"#,
            r#"{"steps": [{"a": 1}, {"b": ]}"#,
            r#"{"name": 5, "steps": []}"#,
            r#"{"executors": "wasmer", "steps": []}"#,
            "",
        ];
        for text in texts {
            let (whole, each, steps) = both(text);
            match (&whole, &each) {
                (Ok(whole), Ok(each)) => {
                    assert_eq!(each, whole, "{text}");
                    let offsets: Vec<usize> = steps.iter().map(|s| s.2).collect();
                    assert_eq!(offsets, whole.step_offsets, "{text}");
                    assert!(
                        steps
                            .iter()
                            .enumerate()
                            .all(|(i, (j, step, at))| i == *j && text[*at..].starts_with(step.as_str()))
                    );
                }
                (Err(whole), Err(each)) => assert_eq!(each, whole, "{text}"),
                _ => panic!("{text}: parse_top gives {whole:?}, parse_top_each {each:?}"),
            }
        }
    }

    #[test]
    fn steps_are_handed_on_before_a_later_error_and_a_failing_step_stops_the_parse() {
        let (_, each, steps) = both(r#"{"steps": [{"a": 1}, {"b": 2}, oops]}"#);
        assert!(each.is_err());
        assert_eq!(steps.len(), 2);
        let mut seen = 0;
        let stopped = parse_top_each(r#"{"steps": [{"a": 1}, {"b": 2}, {"c": 3}]}"#, &mut |i, _, _| {
            seen += 1;
            if i == 1 { Err("stop") } else { Ok(()) }
        });
        assert!(matches!(stopped, Err(TopError::Step("stop"))));
        assert_eq!(seen, 2);
    }
}
