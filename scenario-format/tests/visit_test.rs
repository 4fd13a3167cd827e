//! `visit_scenario` (steps handed on a chunk at a time) against `load_scenario` (all at once):
//! the same steps, in the same order, and the same error, whatever the size of the file; and
//! `visit_scenario_early` (steps handed on as they are read, a few at a time), which fails
//! exactly when loading fails.

use scenario_format::*;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// The steps `visit_scenario` hands on, and its result (the error as text).
fn visit(path: &Path) -> (Vec<StepEntry>, Result<Scenario, String>) {
    let mut steps = Vec::new();
    let result = visit_scenario(path, &mut |entry| steps.push(entry)).map_err(|e| e.to_string());
    (steps, result)
}

/// Visiting gives what loading gives: the same steps, or the same error (after handing on
/// only steps that come before it).
fn assert_alike(path: &Path) {
    let (visited, result) = visit(path);
    match load_scenario(path) {
        Ok(loaded) => {
            let header = result.unwrap_or_else(|e| panic!("{}: visiting failed: {e}", path.display()));
            assert!(header.steps.is_empty());
            assert_eq!(
                (header.name, header.comment, header.executors),
                (loaded.name, loaded.comment, loaded.executors)
            );
            assert_eq!(visited, loaded.steps, "{}", path.display());
        }
        Err(error) => {
            assert_eq!(result.unwrap_err(), error.to_string(), "{}", path.display());
        }
    }
}

/// The steps `visit_scenario_early` hands on with `quotes`, and its result.
type Early = (Vec<StepEntry>, Result<ControlFlow<(), Scenario>, FormatError>);

fn visit_early(path: &Path, quotes: Quotes) -> Early {
    let mut visited = Vec::new();
    let result = visit_scenario_early(path, quotes, &mut |entry| {
        visited.push(entry);
        ControlFlow::Continue(())
    });
    (visited, result)
}

/// Visiting early succeeds exactly when loading does, with the same steps; on an error, the
/// steps handed on are those before the step it is at (or every step, for an error of the whole
/// text found last).
fn assert_early_alike(path: &Path) {
    let (visited, result) = visit_early(path, Quotes::Kept);
    let (unquoted, result_unquoted) = visit_early(path, Quotes::Dropped);
    match (load_scenario(path), result) {
        (Ok(loaded), Ok(ControlFlow::Continue(header))) => {
            assert!(header.steps.is_empty());
            assert_eq!(
                (header.name, header.comment, header.executors),
                (loaded.name, loaded.comment, loaded.executors)
            );
            assert_eq!(visited, loaded.steps, "{}", path.display());
            assert!(matches!(result_unquoted, Ok(ControlFlow::Continue(_))), "{}", path.display());
            assert_unquoted(&unquoted, &visited, path);
        }
        (Err(_), Err(early)) => {
            // Errors are worded alike, whatever the steps keep.
            assert_eq!(result_unquoted.unwrap_err().to_string(), early.to_string(), "{}", path.display());
        }
        (loaded, early) => panic!("{}: loading gives {loaded:?}, visiting early {early:?}", path.display()),
    }
}

/// The steps visited without quotes are those visited with them, but for the texts they may
/// leave empty: values' written texts (not a call's `to`) and JSON paths.
fn assert_unquoted(unquoted: &[StepEntry], quoted: &[StepEntry], path: &Path) {
    assert_eq!(unquoted.len(), quoted.len(), "{}", path.display());
    for (without, with) in unquoted.iter().zip(quoted) {
        let shown = |entry: &StepEntry| blank(&blank(&format!("{entry:?}"), "original"), "json_path");
        assert_eq!(shown(without), shown(with), "{}", path.display());
        if let (Step::Call(a) | Step::Query(a), Step::Call(b) | Step::Query(b)) = (&*without.step, &*with.step) {
            assert_eq!(a.tx.to.original, b.tx.to.original, "{}: a call's `to` is kept", path.display());
        }
    }
}

/// `debug` with every `field: "…"` string emptied.
fn blank(debug: &str, field: &str) -> String {
    let mark = format!("{field}: \"");
    let mut out = String::new();
    let mut rest = debug;
    while let Some(at) = rest.find(&mark) {
        out.push_str(&rest[..at + mark.len()]);
        rest = &rest[at + mark.len()..];
        let mut escaped = false;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                let end = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                end
            })
            .map_or(rest.len(), |(i, _)| i);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn steps_visited_without_quotes_leave_their_written_texts_empty() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/scenarios/erc20.scen.json");
    let visited = |quotes| {
        let (steps, result) = visit_early(&path, quotes);
        assert!(matches!(result, Ok(ControlFlow::Continue(_))));
        steps
    };
    let (quoted, unquoted) = (visited(Quotes::Kept), visited(Quotes::Dropped));
    assert_unquoted(&unquoted, &quoted, &path);
    // Plainly written calls keep no written text but their `to`, and no step its JSON path.
    let calls: Vec<_> = unquoted
        .iter()
        .filter_map(|entry| match &*entry.step {
            Step::Call(call) => Some(call),
            _ => None,
        })
        .collect();
    assert!(calls.len() >= 3);
    for call in calls {
        assert!(call.tx.from.as_ref().is_some_and(|from| from.original.is_empty()), "{call:?}");
        assert!(call.tx.args.iter().all(|arg| matches!(arg, AbiValue::Leaf(leaf) if leaf.original.is_empty())));
        assert!(!call.tx.to.original.is_empty());
    }
    assert!(unquoted.iter().all(|entry| entry.origin.json_path.is_empty()));
    assert!(quoted.iter().all(|entry| entry.origin.json_path.starts_with("steps[")));
}

fn scenario_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            scenario_files(&path, out);
        } else if path.to_string_lossy().ends_with(".scen.json") {
            out.push(path);
        }
    }
}

#[test]
fn every_bundled_scenario_visits_as_it_loads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    scenario_files(&root.join("fixtures"), &mut files);
    scenario_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data"), &mut files);
    assert!(files.len() >= 20, "only {} scenario files", files.len());
    for file in files {
        assert_alike(&file);
        assert_early_alike(&file);
    }
}

/// A file of `count` transfer steps (more than one chunk), each with an id; `edit` may change
/// the text of step `i`.
/// The file is the test's own (`diorama-visit-PID-NAME` in the temporary folder); the test
/// removes it when it passes.
fn transfers(name: &str, count: usize, edit: impl Fn(usize, String) -> String) -> PathBuf {
    let steps: Vec<String> = (0..count)
        .map(|i| {
            let step = format!(
                r#"{{"step": "transfer", "id": "t{i}", "tx": {{"from": "address:alice", "to": "address:bob", "value": "{i}"}}}}"#
            );
            edit(i, step)
        })
        .collect();
    let path = std::env::temp_dir().join(format!("diorama-visit-{}-{name}", std::process::id()));
    std::fs::write(&path, format!("{{\"steps\": [\n{}\n]}}", steps.join(",\n"))).unwrap();
    path
}

const MANY: usize = 10_000;

#[test]
fn a_file_of_many_chunks_visits_as_it_loads() {
    let path = transfers("many.scen.json", MANY, |_, s| s);
    let (visited, result) = visit(&path);
    assert!(result.is_ok());
    assert_eq!(visited.len(), MANY);
    assert_alike(&path);
    assert_early_alike(&path);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_late_syntax_error_wins_over_an_early_value_error_in_both() {
    let path = transfers("late-syntax.scen.json", MANY, |i, s| match i {
        3 => s.replace("\"value\": \"3\"", "\"value\": \"not a number\""),
        9_000 => s.replace("\"tx\"", "\"tix\""),
        _ => s,
    });
    let (visited, result) = visit(&path);
    let error = result.unwrap_err();
    assert!(error.contains("steps[9000]"), "{error}");
    assert!(visited.is_empty(), "steps were handed on before a syntax error");
    assert_alike(&path);
    assert_early_alike(&path);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_value_error_in_a_later_chunk_comes_after_the_steps_before_it() {
    let path = transfers("late-value.scen.json", MANY, |i, s| {
        if i == 9_000 { s.replace("\"value\": \"9000\"", "\"value\": \"not a number\"") } else { s }
    });
    let (visited, result) = visit(&path);
    assert!(result.unwrap_err().contains("steps[9000].tx.value"));
    assert_eq!(visited.len(), 9_000);
    assert_alike(&path);
    assert_early_alike(&path);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_duplicate_id_across_chunks_is_found_in_both() {
    let path =
        transfers("duplicate.scen.json", MANY, |i, s| if i == 9_000 { s.replace("\"t9000\"", "\"t100\"") } else { s });
    let (_, result) = visit(&path);
    let error = result.unwrap_err();
    assert!(error.contains("duplicate step id `t100` (first used by steps[100])"), "{error}");
    assert_alike(&path);
    assert_early_alike(&path);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_duplicate_key_anywhere_wins_in_both() {
    let path = transfers("duplicate-key.scen.json", MANY, |i, s| {
        if i == 9_999 { s.replace("\"id\"", "\"id\": \"x\", \"id\"") } else { s }
    });
    let (visited, result) = visit(&path);
    assert!(result.unwrap_err().contains("duplicate key `id`"));
    assert!(visited.is_empty());
    assert_alike(&path);
    assert_early_alike(&path);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn visiting_early_hands_steps_on_before_a_late_error() {
    // A step that does not parse, then a duplicate key (found in the same pass as the steps).
    let edits = [
        ("early-syntax.scen.json", "\"tx\"", "\"tix\"", "steps[9000]"),
        ("early-key.scen.json", "\"id\"", "\"id\": \"x\", \"id\"", "duplicate key `id`"),
    ];
    for (name, from, to, expected) in edits {
        let path = transfers(name, MANY, |i, s| if i == 9_000 { s.replace(from, to) } else { s });
        let mut visited = 0;
        let count = &mut |_| {
            visited += 1;
            ControlFlow::Continue(())
        };
        let error = visit_scenario_early(&path, Quotes::Kept, count).unwrap_err().to_string();
        assert!(error.contains(expected), "{error}");
        assert_eq!(visited, 9_000, "{name}");
        std::fs::remove_file(&path).unwrap();
    }
}

#[test]
fn a_visitor_stops_the_reading_where_it_says() {
    // A syntax error after the stop is never read; a stop inside an included file ends the
    // including one too.
    let path = transfers("stopped.scen.json", MANY, |i, s| if i == 9_000 { s.replace("\"tx\"", "\"tix\"") } else { s });
    let outer = path.with_file_name(format!("diorama-visit-{}-including.scen.json", std::process::id()));
    let include = format!(r#"{{"step": "externalSteps", "path": "{}"}}"#, path.file_name().unwrap().to_string_lossy());
    let after = r#"{"step": "transfer", "tx": {"from": "address:alice", "to": "address:bob", "value": "1"}}"#;
    std::fs::write(&outer, format!(r#"{{"steps": [{include}, {after}]}}"#)).unwrap();
    for (file, stop_at) in [(&path, 0), (&path, 41), (&outer, 4_999)] {
        let mut ids = Vec::new();
        let result = visit_scenario_early(file, Quotes::Dropped, &mut |entry| {
            ids.push(entry.id.clone().unwrap_or_default());
            if ids.len() > stop_at { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
        });
        assert!(matches!(result, Ok(ControlFlow::Break(()))), "{}: {result:?}", file.display());
        let expected: Vec<String> = (0..=stop_at).map(|i| format!("t{i}")).collect();
        assert_eq!(ids, expected);
    }
    std::fs::remove_file(&path).unwrap();
    std::fs::remove_file(&outer).unwrap();
}

/// The first entry of the object whose `{` is at `open` (`"key": value`), if it has one.
fn first_entry(text: &[u8], open: usize) -> Option<std::ops::Range<usize>> {
    let start = open + 1 + text[open + 1..].iter().position(|b| !b.is_ascii_whitespace())?;
    if text[start] != b'"' {
        return None;
    }
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in text.iter().enumerate().skip(start) {
        match (in_string, b) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') => in_string = false,
            (true, _) => {}
            (false, b'"') => in_string = true,
            (false, b'{' | b'[') => depth += 1,
            (false, b'}' | b']') if depth == 0 => return Some(start..i),
            (false, b'}' | b']') => depth -= 1,
            (false, b',') if depth == 0 => return Some(start..i),
            _ => {}
        }
    }
    None
}

/// Seeded edits of bundled scenarios, mostly still JSON, that the structural scan must judge
/// when a step is read ahead of it: an object's first entry repeated (a repeated key), entries
/// added (`null`s, `"+"` markers, the text "null", fields a step does not have), a string value
/// made `null`. Visiting early must accept and reject what loading does.
#[test]
fn edited_scenarios_visit_early_as_they_load() {
    const ENTRIES: &[&str] = &[
        r#""comment": null, "#,
        r#""comment": "null", "#,
        r#""+": "", "#,
        r#""id": "x", "#,
        r#""\u0061ddress:bob": {}, "#,
        r#""address:alice": {}, "#,
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/scenarios");
    // Their relative code paths made absolute: the edited copies are written elsewhere.
    let seeds: Vec<Vec<u8>> = ["erc20.scen.json", "events.scen.json", "calls.scen.json", "stylus/counter.scen.json"]
        .iter()
        .map(|name| {
            let file = root.join(name);
            let dir = file.parent().unwrap().display().to_string();
            let text = std::fs::read_to_string(&file).unwrap();
            text.replace(":../", &format!(":{dir}/../")).into_bytes()
        })
        .collect();
    // A small linear congruential generator: the cases are the same on every run.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut below = |n: usize| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % n.max(1)
    };
    let path = std::env::temp_dir().join(format!("diorama-visit-{}-edited.scen.json", std::process::id()));
    let (mut accepted, mut rejected) = (0, 0);
    for case in 0..1_000 {
        let mut text = seeds[case % seeds.len()].clone();
        let opens: Vec<usize> = text.iter().enumerate().filter(|(_, b)| **b == b'{').map(|(i, _)| i).collect();
        let open = opens[below(opens.len())];
        match below(3) {
            0 => {
                if let Some(entry) = first_entry(&text, open) {
                    let mut copy = text[entry.clone()].to_vec();
                    copy.extend_from_slice(b", ");
                    text.splice(entry.start..entry.start, copy);
                }
            }
            1 => {
                let entry = ENTRIES[below(ENTRIES.len())];
                text.splice(open + 1..open + 1, entry.bytes());
            }
            _ => {
                let value = first_entry(&text, open).and_then(|entry| {
                    let colon = text[entry.clone()].iter().position(|b| *b == b':')?;
                    let value = entry.start + colon + 1..entry.end;
                    text[value.clone()].trim_ascii().starts_with(b"\"").then_some(value)
                });
                if let Some(value) = value {
                    text.splice(value, *b" null");
                }
            }
        }
        std::fs::write(&path, &text).unwrap();
        match load_scenario(&path) {
            Ok(_) => accepted += 1,
            Err(_) => rejected += 1,
        }
        assert_early_alike(&path);
    }
    std::fs::remove_file(&path).unwrap();
    // Both verdicts occur, so the comparison means something either way.
    assert!(accepted >= 30 && rejected >= 300, "{accepted} accepted, {rejected} rejected");
}

/// `text` with the keys of each step sorted (as `serde_json::json!`, `jq -S` and Python's
/// `sort_keys` write them, so that the `step` tag comes after `accounts`, `comment`, `expect` and
/// `id`), everything inside a step's fields as written (the order of accounts matters).
fn steps_with_sorted_keys(text: &str) -> String {
    use serde_json::value::RawValue;
    use std::collections::BTreeMap;
    let mut top: BTreeMap<String, &RawValue> = serde_json::from_str(text).unwrap();
    let steps: Vec<BTreeMap<String, &RawValue>> = serde_json::from_str(top["steps"].get()).unwrap();
    let steps: Vec<String> = steps
        .iter()
        .map(|step| {
            let fields: Vec<String> = step
                .iter()
                .map(|(key, value)| format!("{}: {}", serde_json::to_string(key).unwrap(), value.get()))
                .collect();
            format!("{{\n{}\n}}", fields.join(",\n"))
        })
        .collect();
    let steps = RawValue::from_string(format!("[{}]", steps.join(",\n"))).unwrap();
    top.insert("steps".to_owned(), &steps);
    serde_json::to_string_pretty(&top).unwrap()
}

#[test]
fn bundled_scenarios_with_sorted_keys_load_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    scenario_files(&root.join("fixtures"), &mut files);
    let mut compared = 0;
    for file in files {
        let Ok(written) = load_scenario(&file) else { continue };
        let sorted_text = steps_with_sorted_keys(&std::fs::read_to_string(&file).unwrap());
        // Beside the original, so that its relative code paths still resolve.
        let sorted = file.with_file_name(format!("diorama-sorted-{}.scen.json", std::process::id()));
        std::fs::write(&sorted, sorted_text).unwrap();
        let loaded = load_scenario(&sorted);
        assert_early_alike(&sorted);
        std::fs::remove_file(&sorted).unwrap();
        let loaded = loaded.unwrap_or_else(|e| panic!("{} with sorted keys: {e}", file.display()));
        let steps = |s: &Scenario| s.steps.iter().map(|e| (e.id.clone(), e.comment.clone(), e.step.clone())).collect();
        let (a, b): (Vec<_>, Vec<_>) = (steps(&written), steps(&loaded));
        assert_eq!(a, b, "{}", file.display());
        compared += 1;
    }
    assert!(compared >= 20, "only {compared} scenarios compared");
}
