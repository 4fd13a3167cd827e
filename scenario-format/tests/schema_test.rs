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
