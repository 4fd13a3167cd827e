//! No input makes the loader, the schema check or the interpreter panic: damaged copies of a
//! full scenario only ever give errors, each with a line and column.

use scenario_format::value::{ValueError, interpret};
use scenario_format::{load_scenario_str, locate, validate_schema};
use std::path::Path;

#[test]
fn damaged_scenarios_give_errors_not_panics() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/full.scen.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let boundaries: Vec<usize> = (0..text.len()).filter(|&i| text.is_char_boundary(i)).collect();
    let mut errors = 0;
    for &i in boundaries.iter().step_by(3) {
        let next = boundaries.iter().find(|&&j| j > i).copied().unwrap_or(text.len());
        let deleted = format!("{}{}", &text[..i], &text[next..]);
        let truncated = &text[..i];
        let inserted = format!("{}\"{}", &text[..i], &text[i..]);
        for damaged in [deleted.as_str(), truncated, inserted.as_str()] {
            if let Err(e) = load_scenario_str(&path, damaged) {
                errors += 1;
                // Every input error carries a position (issue 13).
                assert!(e.line.is_some() && e.column.is_some(), "no line:column: {e}\n{damaged}");
            }
            let _ = validate_schema(&path, damaged);
            let _ = locate(damaged, "steps[4].expect.logs[1].topics[0]");
        }
    }
    assert!(errors > boundaries.len() / 3, "too few damaged copies were rejected: {errors}");
}

#[test]
fn deep_nesting_is_an_error() {
    let deep = "word:".repeat(10_000) + "1";
    assert_eq!(interpret(&deep, Path::new(".")), Err(ValueError::TooDeep));
    let deep = "keccak256:".repeat(10_000);
    assert_eq!(interpret(&deep, Path::new(".")), Err(ValueError::TooDeep));
    let nested = format!(
        "{{\"steps\": [{{\"step\": \"call\", \"tx\": {{\"from\": \"a\", \"to\": \"b\", \"function\": \"f()\", \"args\": [{}]}}}}]}}",
        "[".repeat(5000) + &"]".repeat(5000)
    );
    assert!(load_scenario_str(Path::new("deep.scen.json"), &nested).is_err());
    assert!(validate_schema(Path::new("deep.scen.json"), &nested).is_err());
}
