//! Applying fixes to a file's text by byte spans: only the replaced values' text changes, every
//! other byte (key order, whitespace, line breaks) stays as it was.

use std::collections::BTreeMap;
use std::ops::Range;

use super::fixes::{Edit, Fix};

/// `source` with `fixes` applied. A fix inside a value that another fix replaces is dropped;
/// `Err` names a path that is not in the text or edits that overlap partly.
pub(super) fn apply(source: &str, fixes: &[&Fix]) -> Result<String, String> {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut inserts: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for fix in fixes {
        match &fix.edit {
            Edit::Replace(text) => {
                let range =
                    scenario_format::span(source, &fix.path).ok_or_else(|| format!("{}: not found", fix.path))?;
                edits.push((range, text.clone()));
            }
            Edit::Insert(key, value) => inserts.entry(&fix.path).or_default().push((key, value)),
        }
    }
    for (path, members) in inserts {
        let range = scenario_format::span(source, path).ok_or_else(|| format!("{path}: not found"))?;
        edits.push(insertion(source, range, &members)?);
    }
    edits.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.end.cmp(&a.0.end)));
    let mut kept: Vec<(Range<usize>, String)> = Vec::new();
    for (range, text) in edits {
        if let Some((last, _)) = kept.last() {
            // An insertion just before a replaced value's end is not inside it.
            let at_edge = range.is_empty() && (range.start == last.end || range.start == last.start);
            if range.start >= last.start && range.end <= last.end && range != *last && !at_edge {
                continue; // inside a value replaced whole
            }
            if range.start < last.end {
                return Err(format!("overlapping edits at bytes {}..{}", range.start, range.end));
            }
        }
        kept.push((range, text));
    }
    let mut out = source.to_string();
    for (range, text) in kept.into_iter().rev() {
        out.replace_range(range, &text);
    }
    Ok(out)
}

/// Adds members before the closing brace of the object at `range`: on their own lines, indented
/// like the last member, when the object spans lines; inline otherwise.
fn insertion(source: &str, range: Range<usize>, members: &[(&str, &str)]) -> Result<(Range<usize>, String), String> {
    let object = &source[range.clone()];
    if !object.starts_with('{') {
        return Err("not an object".to_string());
    }
    let close = range.end - 1;
    let body_end = range.start + source[range.start..close].trim_end().len();
    let empty = body_end == range.start + 1;
    let pairs: Vec<String> = members.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    let text = if object.contains('\n') && !empty {
        let line_start = source[..body_end].rfind('\n').map_or(0, |i| i + 1);
        let indent: String = source[line_start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
        pairs.iter().map(|p| format!(",\n{indent}{p}")).collect()
    } else if empty {
        return Ok((range.start + 1..close, format!(" {} ", pairs.join(", "))));
    } else {
        pairs.iter().map(|p| format!(", {p}")).collect::<String>()
    };
    Ok((body_end..body_end, text))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::fixes::{Edit, Fix};
    use super::apply;

    fn fix(path: &str, edit: Edit) -> Fix {
        Fix { file: Arc::new("x".into()), source: Arc::new(String::new()), path: path.into(), edit }
    }

    #[test]
    fn only_the_values_change() {
        let src =
            "{\n  \"a\": \"1,000\",   \"b\": [\"*\", \"2\"],\n  \"s\": {\n    \"0\": \"6\"\n  },\n  \"e\": {}\n}\n";
        let fixes = [
            fix("a", Edit::Replace("\"2,000\"".into())),
            fix("b[1]", Edit::Replace("\"3\"".into())),
            fix("s", Edit::Insert("\"1\"".into(), "\"7\"".into())),
            fix("e", Edit::Insert("\"k\"".into(), "\"v\"".into())),
        ];
        let out = apply(src, &fixes.iter().collect::<Vec<_>>()).unwrap();
        assert_eq!(
            out,
            "{\n  \"a\": \"2,000\",   \"b\": [\"*\", \"3\"],\n  \"s\": {\n    \"0\": \"6\",\n    \"1\": \"7\"\n  },\n  \"e\": { \"k\": \"v\" }\n}\n"
        );
    }

    #[test]
    fn inner_edits_of_a_replaced_value_are_dropped() {
        let src = "{\"logs\": [{\"data\": \"0x01\"}], \"x\": {\"a\": \"1\"}}";
        let fixes = [
            fix("logs[0].data", Edit::Replace("\"0x02\"".into())),
            fix("logs", Edit::Replace("[]".into())),
            fix("x", Edit::Insert("\"b\"".into(), "\"2\"".into())),
            fix("x.a", Edit::Replace("\"3\"".into())),
        ];
        let out = apply(src, &fixes.iter().collect::<Vec<_>>()).unwrap();
        assert_eq!(out, "{\"logs\": [], \"x\": {\"a\": \"3\", \"b\": \"2\"}}");
        assert!(apply(src, &[&fix("nope", Edit::Replace("1".into()))]).unwrap_err().contains("nope: not found"));
    }
}
