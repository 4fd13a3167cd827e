//! The bundled JSON Schema and validation against it, with errors placed by line and column.

use crate::error::FormatError;
use crate::path::{self, PathSegment};
use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use jsonschema::{ValidationError, Validator};
use std::path::Path;
use std::sync::OnceLock;

/// The JSON Schema (draft 2020-12) of scenario and steps files. Files may name it with
/// `$schema` so that editors complete and check them.
pub const SCHEMA_JSON: &str = include_str!("../schema/scenario.schema.json");

const MAX_MESSAGE: usize = 240;

fn validator() -> Result<&'static Validator, String> {
    static VALIDATOR: OnceLock<Result<Validator, String>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let schema: serde_json::Value = serde_json::from_str(SCHEMA_JSON).map_err(|e| e.to_string())?;
            jsonschema::draft202012::new(&schema).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Validates a file's text against [`SCHEMA_JSON`]. Of all violations, the deepest one is
/// reported (the most specific), located by line and column.
pub fn validate_schema(path: &Path, text: &str) -> Result<(), FormatError> {
    let instance: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        let position = (e.line() > 0).then(|| (e.line(), e.column().max(1)));
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
        FormatError::with_position(path, position, "", message)
    })?;
    let validator =
        validator().map_err(|e| FormatError::with_position(path, None, "", format!("bundled schema: {e}")))?;
    let best = validator.iter_errors(&instance).max_by_key(|e| e.instance_path().iter().count());
    match best {
        None => Ok(()),
        Some(error) => Err(to_format_error(path, text, &error)),
    }
}

fn to_format_error(file: &Path, text: &str, error: &ValidationError<'_>) -> FormatError {
    let mut segments: Vec<PathSegment> = error
        .instance_path()
        .iter()
        .map(|seg| match seg {
            LocationSegment::Property(p) => PathSegment::Key(p.into_owned()),
            LocationSegment::Index(i) => PathSegment::Index(i),
        })
        .collect();
    let unexpected = match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => unexpected.first().cloned(),
        _ => None,
    };
    let message = match (&unexpected, error.kind()) {
        (Some(key), _) => {
            segments.push(PathSegment::Key(key.clone()));
            format!("unknown field `{key}` (not in the scenario schema)")
        }
        (None, ValidationErrorKind::Not { schema }) if schema.get("required").is_some() => {
            let keys: Vec<String> = schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|k| k.as_str().map(|k| format!("`{k}`")))
                .collect();
            format!("schema: {} cannot be used together", keys.join(" and "))
        }
        (None, ValidationErrorKind::FalseSchema) => "schema: this field is not allowed here".to_owned(),
        (None, _) => {
            let mut m = error.to_string();
            if m.len() > MAX_MESSAGE {
                let mut cut = MAX_MESSAGE;
                while !m.is_char_boundary(cut) {
                    cut -= 1;
                }
                m.truncate(cut);
                m.push('…');
            }
            format!("schema: {m}")
        }
    };
    let json_path = path::render(&segments);
    if unexpected.is_some() {
        FormatError::at_key(file, text, &json_path, message)
    } else {
        FormatError::at(file, text, &json_path, message)
    }
}
