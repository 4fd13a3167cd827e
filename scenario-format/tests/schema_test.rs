//! The bundled schema is a valid draft 2020-12 schema, and schema and loader agree on every
//! valid file the project has.

use scenario_format::{SCHEMA_JSON, load_scenario, validate_schema};
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.to_string_lossy();
        if path.is_dir() {
            collect(&path, out);
        } else if name.ends_with(".scen.json") || name.ends_with(".steps.json") {
            out.push(path);
        }
    }
}

fn check_valid(files: &[PathBuf]) {
    let mut failures = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        if let Err(e) = validate_schema(file, &text) {
            failures.push(format!("schema: {e}"));
        }
        if let Err(e) = load_scenario(file) {
            failures.push(format!("load: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn schema_is_a_valid_2020_12_schema() {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA_JSON).unwrap();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::meta::validate(&schema).unwrap();
    jsonschema::draft202012::new(&schema).unwrap();
}

#[test]
fn own_samples_pass_schema_and_loader() {
    let mut files = Vec::new();
    collect(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data"), &mut files);
    assert!(files.len() >= 3, "{files:?}");
    check_valid(&files);
}

#[test]
fn project_fixtures_pass_schema_and_loader() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut files = Vec::new();
    collect(&root.join("scenarios"), &mut files);
    collect(&root.join("should-fail"), &mut files);
    check_valid(&files);
}

#[test]
fn schema_errors_are_located() {
    let path = Path::new("x.scen.json");
    let text = "{\n  \"steps\": [\n    {\"step\": \"call\", \"tx\": {\"from\": \"address:a\", \"to\": \"address:b\"},\n     \"expect\": {\"status\": \"ok\"}}\n  ]\n}";
    let e = validate_schema(path, text).unwrap_err();
    assert_eq!((e.line, e.column), (Some(4), Some(27)));
    assert_eq!(e.json_path, "steps[0].expect.status");
    let text = r#"{"steps": [{"step": "query", "tx": {"to": "address:b"}, "expect": {"address": "*"}}]}"#;
    let e = validate_schema(path, text).unwrap_err();
    assert_eq!(e.json_path, "steps[0].expect.address");
    assert!(e.message.contains("unknown field `address`"), "{e}");
    let text = r#"{"steps": [{"step": "setState", "accounts": {"address:a": {"activate": true}}}]}"#;
    assert!(validate_schema(path, text).is_err());
    let text = r#"{"steps": [{"step": "checkState", "accounts": {"+": "x"}}]}"#;
    assert!(validate_schema(path, text).is_err());
    let text = r#"{"steps": [{"step": "call", "tx": {"from": "a", "to": "b"}, "expect": {"logs": ["+", "*"]}}]}"#;
    assert!(validate_schema(path, text).is_err());
    let text = r#"{"steps": [{"step": "call", "tx": {"from": "a", "to": "b"}, "expect": {"logs": [{"address": "a", "event": "E()", "data": ""}]}}]}"#;
    assert!(validate_schema(path, text).is_err());
    let e = validate_schema(path, "{\"steps\": [}").unwrap_err();
    assert_eq!((e.line, e.column), (Some(1), Some(12)));
}

/// Every variant of `value` with one node replaced: by `null`, by each other JSON type, and
/// (for objects) by serde's sequence form of a struct, its values in order.
fn mutations(value: &serde_json::Value) -> Vec<serde_json::Value> {
    use serde_json::{Value, json};
    let replacements = |node: &Value| {
        let mut out = vec![Value::Null, json!(1), json!(true), json!("x"), json!([]), json!({})];
        match node {
            Value::Object(map) => out.push(Value::Array(map.values().cloned().collect())),
            // Strings the schema's patterns and enums judge (signatures, comparisons, markers).
            Value::String(_) => {
                out.extend(["", "*", "+", "f()x", "1f()", "<= 1", ">=1_", "u8:1", "str:", "wasmr"].map(|s| json!(s)))
            }
            _ => {}
        }
        out
    };
    let mut out: Vec<Value> = replacements(value).into_iter().filter(|r| r != value).collect();
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                for mutated in mutations(child) {
                    let mut copy = map.clone();
                    copy.insert(key.clone(), mutated);
                    out.push(Value::Object(copy));
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                for mutated in mutations(child) {
                    let mut copy = items.clone();
                    copy[i] = mutated;
                    out.push(Value::Array(copy));
                }
            }
        }
        _ => {}
    }
    out
}

/// One strict parser (issue 13): whatever the JSON Schema rejects, the loader (which `run` and
/// `check` share) rejects too. `null` for an optional field and a struct written as an array
/// once passed the loader.
#[test]
fn the_loader_rejects_whatever_the_schema_rejects() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut checked = 0;
    let mut failures = Vec::new();
    for name in ["full.scen.json", "values.scen.json"] {
        let path = dir.join(name);
        let original: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for mutated in mutations(&original) {
            let text = serde_json::to_string_pretty(&mutated).unwrap();
            if validate_schema(&path, &text).is_err() {
                checked += 1;
                if let Ok(loaded) = scenario_format::load_scenario_str(&path, &text) {
                    failures.push(format!("schema rejects, loader accepts ({} steps):\n{text}", loaded.steps.len()));
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} mutations rejected by the schema");
    assert!(
        failures.is_empty(),
        "{} of {checked}:\n{}",
        failures.len(),
        failures[..failures.len().min(3)].join("\n\n")
    );
}
