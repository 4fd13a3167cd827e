//! The top level of a file read in one pass that hands each step on as soon as the pass is
//! past it ([`parse_top_each`]), checking for duplicate keys and `null`s as it goes: the steps
//! at the start of a large file can be used before the rest of it is read, and the text is read
//! once for its structure instead of twice (by serde, then by [`check_structure`]).
//!
//! The pass reads the top level strictly (its punctuation, keys and values, the latter with
//! serde). A step is usually read by serde where it stands, which also finds its end, and needs
//! no scan when it has no `null` ([`parse_step_ahead`]); any other step is only delimited by the
//! scan, and parsed by serde where it is used. The document is valid JSON exactly when both are.

use std::borrow::Cow;

use crate::locate::{Scanner, key_bytes};
use crate::model::Quotes;

use super::{RawError, ScenarioRaw, StepRaw, Text, check_structure, parse_step_ahead, parse_top};

/// A step as [`parse_top_each`] hands it on.
#[derive(Debug)]
pub struct HandedStep<'t> {
    /// Its index in `steps`.
    pub index: usize,
    /// Its text.
    pub text: &'t str,
    /// Its byte offset in the file.
    pub offset: usize,
    /// The step, when the pass read it (it is then known to have no duplicate key and no
    /// `null`); else the caller parses `text`.
    pub read: Option<StepRaw>,
}

/// How [`parse_top_each`] failed.
#[derive(Debug)]
pub enum TopError<E> {
    /// The file is not valid at its top level, or has a duplicate key or a `null` (the error
    /// [`check_structure`], else [`parse_top`], gives).
    Raw(RawError),
    /// `each` failed on a step.
    Step(E),
}

/// Parses the top level of a file as [`parse_top`] does and checks its structure as
/// [`check_structure`] does, but hands each step to `each` as soon as it is read, before the
/// rest of the file is. The first error of `each` stops the parse. A step the pass did not read
/// itself is only delimited: `each` parses its text. A file found invalid
/// fails (after the steps before the fault were handed on) with the error [`check_structure`]
/// gives, else the one [`parse_top`] gives. The steps it reads keep `quotes` of their text.
pub fn parse_top_each<'t, E>(
    text: &'t str,
    quotes: Quotes,
    each: &mut dyn FnMut(HandedStep<'t>) -> Result<(), E>,
) -> Result<ScenarioRaw, TopError<E>> {
    let mut failed = None;
    match scan_top(text, quotes, each, &mut failed) {
        Some(raw) => Ok(raw),
        None => Err(failed.map_or_else(|| TopError::Raw(first_error(text)), TopError::Step)),
    }
}

/// The error of a file the scan found invalid, as loading would report it.
fn first_error(text: &str) -> RawError {
    check_structure(text).err().or_else(|| parse_top(text).err()).unwrap_or_else(|| RawError {
        // Not expected: the scan and the two checks accept the same files (tests hold them to it).
        json_path: String::new(),
        message: "the top level of the file cannot be read".to_owned(),
        position: None,
        at_key: false,
        parser_position: None,
    })
}

/// The scan; `None` on anything invalid (or when `each` failed, with its error in `failed`).
fn scan_top<'t, E>(
    text: &'t str,
    quotes: Quotes,
    each: &mut dyn FnMut(HandedStep<'t>) -> Result<(), E>,
    failed: &mut Option<E>,
) -> Option<ScenarioRaw> {
    let mut raw = ScenarioRaw {
        schema: None,
        name: None,
        comment: None,
        executors: None,
        steps: Vec::new(),
        step_offsets: Vec::new(),
    };
    let mut sc = Scanner::new(text);
    let mut keys: Vec<Cow<'t, [u8]>> = Vec::new();
    let mut steps = None;
    sc.ws();
    sc.eat(b'{')?;
    sc.ws();
    if sc.eat(b'}').is_none() {
        loop {
            sc.ws();
            let key = key_bytes(sc.raw_string()?);
            if keys.contains(&key) {
                return None;
            }
            sc.ws();
            sc.eat(b':')?;
            sc.ws();
            if *key == *b"steps" {
                steps = Some(scan_steps(&mut sc, text, quotes, each, failed)?);
            } else {
                let value = scan_value(&mut sc, text, 1)?;
                match &*key {
                    b"$schema" => raw.schema = Some(serde_json::from_str::<Text>(value).ok()?),
                    b"name" => raw.name = Some(serde_json::from_str::<Text>(value).ok()?),
                    b"comment" => raw.comment = Some(serde_json::from_str::<Text>(value).ok()?),
                    b"executors" => raw.executors = Some(serde_json::from_str::<Vec<Text>>(value).ok()?),
                    _ => return None,
                }
            }
            keys.push(key);
            sc.ws();
            if sc.eat(b',').is_none() {
                sc.eat(b'}')?;
                break;
            }
        }
    }
    sc.ws();
    if sc.i != text.len() {
        return None;
    }
    raw.step_offsets = steps?;
    Some(raw)
}

/// The `steps` array: each element handed on as soon as it is read; gives their offsets.
fn scan_steps<'t, E>(
    sc: &mut Scanner<'t>,
    text: &'t str,
    quotes: Quotes,
    each: &mut dyn FnMut(HandedStep<'t>) -> Result<(), E>,
    failed: &mut Option<E>,
) -> Option<Vec<usize>> {
    let mut offsets = Vec::new();
    // The kind of the last two steps read ahead: when they agree, the next step is read as that
    // kind first (see `parse_step_ahead`).
    let mut kinds: [Option<&'static str>; 2] = [None, None];
    sc.eat(b'[')?;
    sc.ws();
    if sc.eat(b']').is_some() {
        return Some(offsets);
    }
    loop {
        sc.ws();
        let start = sc.i;
        let guess = kinds[0].filter(|kind| kinds[1] == Some(kind));
        let handed = match parse_step_ahead(text.get(start..)?, guess, quotes) {
            Some((step, len)) => {
                kinds = [Some(step.name()), kinds[0]];
                sc.i = start + len;
                HandedStep { index: offsets.len(), text: text.get(start..sc.i)?, offset: start, read: Some(step) }
            }
            None => {
                let step = scan_value(sc, text, 2)?;
                HandedStep { index: offsets.len(), text: step, offset: start, read: None }
            }
        };
        if let Err(e) = each(handed) {
            *failed = Some(e);
            return None;
        }
        offsets.push(start);
        sc.ws();
        if sc.eat(b',').is_none() {
            sc.eat(b']')?;
            return Some(offsets);
        }
    }
}

/// The text of the value at the cursor (at `depth` in the document), which must have no
/// duplicate key and no `null`.
fn scan_value<'t>(sc: &mut Scanner<'t>, text: &'t str, depth: usize) -> Option<&'t str> {
    let start = sc.i;
    match sc.first_structural(&mut Vec::new(), depth) {
        Ok(None) => text.get(start..sc.i),
        Ok(Some(_)) | Err(()) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Parsed = Result<ScenarioRaw, RawError>;
    /// Handed-on steps: index, text, offset.
    type Steps = Vec<(usize, String, usize)>;

    /// Both parsers on `text`: what `parse_top` gives, and what `parse_top_each` gives with the
    /// steps it handed on (index, text, offset), each step's text parsed as JSON by the caller
    /// as the loader parses it (a step that is not JSON fails the parse: `Err` with no message).
    fn both(text: &str) -> (Parsed, Result<ScenarioRaw, Option<RawError>>, Steps) {
        // What loading accepts: the structure, then the top level.
        let whole = check_structure(text).and_then(|()| parse_top(text).map(|top| top.raw));
        let mut steps = Vec::new();
        let each = parse_top_each(text, Quotes::Kept, &mut |step| {
            if step.read.is_none() {
                serde_json::from_str::<serde::de::IgnoredAny>(step.text).map_err(|_| ())?;
            }
            steps.push((step.index, step.text.to_owned(), step.offset));
            Ok(())
        });
        let each = each.map_err(|e| match e {
            TopError::Raw(e) => Some(e),
            TopError::Step(()) => None,
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
            r#"{"steps": [{"a": null}]}"#,
            r#"{"steps": [{"a": 1, "a": 2}]}"#,
            r#"{"steps": [{"a": 1}, ]}"#,
            r#"{"steps": [{"a": 1} {"b": 2}]}"#,
            r#"{"steps": [{"a": 1}],}"#,
            r#"{"steps": [{"a": 1}]"#,
            r#"{"steps": [5, "x", [1]]}"#,
            r#"{"executors": ["wasmer", "debugger"], "steps": [{"a": "x\"y"}]}"#,
            r#"  {"steps": []}  "#,
            "{\"name\": \"tab\tinside\", \"steps\": []}",
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
                (Err(whole), Err(Some(each))) => assert_eq!(each, whole, "{text}"),
                (Err(_), Err(None)) => {}
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
        let stopped = parse_top_each(r#"{"steps": [{"a": 1}, {"b": 2}, {"c": 3}]}"#, Quotes::Kept, &mut |step| {
            seen += 1;
            if step.index == 1 { Err("stop") } else { Ok(()) }
        });
        assert!(matches!(stopped, Err(TopError::Step("stop"))));
        assert_eq!(seen, 2);
    }

    /// Whether each step of `{"steps": [step]}` was read ahead; the file must give what loading
    /// gives, and a step read ahead what parsing its text gives.
    fn read_ahead(step: &str) -> bool {
        let text = format!(r#"{{"steps": [{step}]}}"#);
        let whole = check_structure(&text).and_then(|()| parse_top(&text).map(|top| top.raw));
        let mut ahead = None;
        let each = parse_top_each(&text, Quotes::Kept, &mut |handed| {
            let parsed = super::super::parse_step(handed.text, handed.index);
            if let Some(read) = &handed.read {
                assert_eq!(Ok(read), parsed.as_ref(), "{step}");
            }
            ahead = Some(handed.read.is_some());
            parsed.map(drop)
        });
        match (whole, each) {
            (Ok(whole), Ok(each)) => assert_eq!(each, whole, "{step}"),
            (Err(whole), Err(TopError::Raw(each))) => assert_eq!(each, whole, "{step}"),
            (Ok(_), Err(TopError::Step(_))) => {}
            (whole, each) => panic!("{step}: parse_top gives {whole:?}, parse_top_each {each:?}"),
        }
        ahead.unwrap_or(false)
    }

    #[test]
    fn a_step_read_as_the_kind_before_it_is_that_kind_only_when_its_tag_says_so() {
        // Keys sorted, so that no tag comes first: after two steps of a kind, the next is tried
        // as that kind; a `query` parses as a `call` (one struct) and a `checkState` as a
        // `setState`, the latter with a nested `"step"` key naming the guess.
        let call = |kind: &str| {
            format!(
                r#"{{"expect": {{"status": "success"}}, "step": "{kind}", "tx": {{"from": "address:a", "to": "address:b"}}}}"#
            )
        };
        let state = |kind: &str| {
            format!(r#"{{"accounts": {{"address:a": {{"storage": {{"step": "setState"}}}}}}, "step": "{kind}"}}"#)
        };
        let steps = [
            call("call"),
            call("call"),
            call("query"),
            call("call"),
            call("call"),
            call("call"),
            state("setState"),
            state("setState"),
            state("checkState"),
            r#"{"comment": "c", "step": "cal", "tx": {"from": "address:a", "to": "address:b"}}"#.to_owned(),
        ];
        let text = format!(r#"{{"steps": [{}]}}"#, steps.join(", "));
        let mut kinds = Vec::new();
        let each = parse_top_each(&text, Quotes::Kept, &mut |handed| {
            let parsed = super::super::parse_step(handed.text, handed.index);
            if let Some(read) = &handed.read {
                assert_eq!(Ok(read), parsed.as_ref(), "step {}", handed.index);
            }
            kinds.push(parsed.as_ref().map(|step| step.name()).map_err(|e| e.message.clone()));
            Ok::<(), ()>(())
        });
        assert!(each.is_ok());
        let names: Vec<_> = kinds[..9].iter().map(|k| *k.as_ref().unwrap()).collect();
        assert_eq!(names, ["call", "call", "query", "call", "call", "call", "setState", "setState", "checkState"]);
        assert!(kinds[9].as_ref().unwrap_err().starts_with("unknown step `cal`"), "{:?}", kinds[9]);
    }

    #[test]
    fn a_step_is_read_ahead_only_when_the_scan_could_not_object() {
        let tx = r#""tx": {"from": "address:a", "to": "address:b", "value": "1"}"#;
        let accounts = |n: usize, repeat: bool| {
            let mut names: Vec<String> = (0..n).map(|i| format!(r#""address:a{i}": {{}}"#)).collect();
            if repeat {
                names.push(r#""address:a0": {}"#.to_owned());
            }
            format!(r#"{{"step": "setState", "accounts": {{{}}}}}"#, names.join(", "))
        };
        let read = [
            format!(r#"{{"step": "transfer", {tx}}}"#),
            format!(r#"{{ "step" : "transfer", {tx}, "comment": "c"}}"#),
            r#"{"step": "checkState", "accounts": {"address:a": {"nonce": "1"}, "+": ""}}"#.to_owned(),
            accounts(3, false),
            accounts(40, false),
            // The tag after other keys (files written with sorted keys), found at the top level only.
            format!(r#"{{{tx}, "step": "transfer"}}"#),
            format!(r#"{{"comment": "c", "id": "i", "step": "transfer", {tx}}}"#),
            r#"{"accounts": {"address:a": {"storage": {"0x01": "0x02"}}}, "newAddresses": [{"address": "address:b",
                "creator": "address:a", "nonce": "0"}, {"address": "address:c", "creator": "address:a", "nonce": "1"}],
                "step": "setState"}"#
                .to_owned(),
            r#"{"expect": {"logs": [{"address": "address:t", "args": ["1", ["2"]]}], "status": "success"},
                "step": "call", "tx": {"args": [], "to": "address:t"}}"#
                .to_owned(),
        ];
        for step in read {
            assert!(read_ahead(&step), "not read ahead: {step}");
        }
        let scanned = [
            // `null`, or only the text "null": the scan decides.
            format!(r#"{{"step": "transfer", {tx}, "comment": null}}"#),
            format!(r#"{{"step": "transfer", {tx}, "comment": "null"}}"#),
            // Repeated fields and keys, also escaped, in small and large maps.
            format!(r#"{{"step": "transfer", {tx}, {tx}}}"#),
            r#"{"step": "setState", "accounts": {"address:a": {}, "address:a": {}}}"#.to_owned(),
            accounts(3, true),
            accounts(40, true),
            r#"{"step": "checkState", "accounts": {"address:a": {}, "+": "", "+": ""}}"#.to_owned(),
            // The tag (or its key) escaped, not a string, repeated, only in a nested object, or
            // after a value that is not a string, object or list.
            format!(r#"{{{tx}, "step": "tr\u0061nsfer"}}"#),
            format!(r#"{{{tx}, "st\u0065p": "transfer"}}"#),
            format!(r#"{{{tx}, "step": 5}}"#),
            format!(r#"{{{tx}, "step": "transfer", "step": "transfer"}}"#),
            r#"{"tx": {"step": "transfer", "from": "address:a", "to": "address:b", "value": "1"}}"#.to_owned(),
            format!(r#"{{"id": 5, "step": "transfer", {tx}}}"#),
            // An unknown step; a step that does not parse.
            r#"{"step": "teleport"}"#.to_owned(),
            format!(r#"{{"step": "transfer", {tx}, "extra": 1}}"#),
        ];
        for step in scanned {
            assert!(!read_ahead(&step), "read ahead: {step}");
        }
    }
}
