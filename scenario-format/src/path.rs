//! JSON paths as diorama prints them: `steps[3].tx.gasLimit`, `accounts["address:alice"]`.
//!
//! A key that is an identifier (`[A-Za-z_$][A-Za-z0-9_$]*`) is written `.key`; any other key is
//! written as a JSON string in brackets (`["+"]`); array indexes are `[3]`. The empty path is the
//! document root.

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Appends an object key to a rendered path.
pub fn join_key(base: &str, key: &str) -> String {
    if is_identifier(key) {
        if base.is_empty() {
            key.to_owned()
        } else {
            // Built by hand: paths are made for every present field, and `format!` is slower.
            let mut path = String::with_capacity(base.len() + 1 + key.len());
            path.push_str(base);
            path.push('.');
            path.push_str(key);
            path
        }
    } else {
        let quoted = serde_json::to_string(key).unwrap_or_else(|_| format!("\"{key}\""));
        format!("{base}[{quoted}]")
    }
}

/// Appends an array index to a rendered path.
pub fn join_index(base: &str, index: usize) -> String {
    // Written by hand: every step's origin has one (`steps[3]`), and `format!` costs more.
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(index);
    let mut path = String::with_capacity(base.len() + digits.len() + 2);
    path.push_str(base);
    path.push('[');
    path.push_str(digits);
    path.push(']');
    path
}

/// A JSON path that is rendered only when needed (an error): a chain of segments borrowed from
/// the stack, so interpreting a valid value builds no string for its path.
#[derive(Debug, Clone, Copy)]
pub enum At<'a> {
    /// A rendered path (`steps`, `steps[3].tx`).
    Rendered(&'a str),
    /// An object member of a path.
    Key(&'a At<'a>, &'a str),
    /// An array element of a path.
    Index(&'a At<'a>, usize),
}

impl<'a> At<'a> {
    /// The path of this one's member `key`.
    pub fn key(&'a self, key: &'a str) -> At<'a> {
        At::Key(self, key)
    }

    /// The path of this one's element `index`.
    pub fn index(&'a self, index: usize) -> At<'a> {
        At::Index(self, index)
    }

    /// The path as diorama prints it.
    pub fn render(&self) -> String {
        match self {
            At::Rendered(path) => (*path).to_owned(),
            At::Key(base, key) => join_key(&base.render(), key),
            At::Index(base, index) => join_index(&base.render(), *index),
        }
    }
}

/// Appends a rendered relative path (`tx.from`, `[0]`, `["+"]`) to a rendered path.
pub fn join(base: &str, sub: &str) -> String {
    if sub.is_empty() {
        base.to_owned()
    } else if base.is_empty() {
        sub.to_owned()
    } else if sub.starts_with('[') {
        format!("{base}{sub}")
    } else {
        format!("{base}.{sub}")
    }
}

/// Renders segments as a path string.
pub fn render(segments: &[PathSegment]) -> String {
    segments.iter().fold(String::new(), |acc, seg| match seg {
        PathSegment::Key(k) => join_key(&acc, k),
        PathSegment::Index(i) => join_index(&acc, *i),
    })
}

/// Parses a rendered path back into segments; `None` if it is not in the syntax above.
pub fn parse(path: &str) -> Option<Vec<PathSegment>> {
    let bytes = path.as_bytes();
    let mut segments = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' if bytes.get(i + 1) == Some(&b'"') => {
                // A JSON string key: find its closing quote, skipping escapes.
                let start = i + 1;
                let mut j = start + 1;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                if bytes.get(j + 1) != Some(&b']') {
                    return None;
                }
                let key: String = serde_json::from_str(path.get(start..=j)?).ok()?;
                segments.push(PathSegment::Key(key));
                i = j + 2;
            }
            b'[' => {
                let end = i + path[i..].find(']')?;
                segments.push(PathSegment::Index(path[i + 1..end].parse().ok()?));
                i = end + 1;
            }
            b'.' if i > 0 => i += 1,
            _ => {
                let len = path[i..].find(['.', '[']).unwrap_or(path.len() - i);
                if len == 0 {
                    return None;
                }
                segments.push(PathSegment::Key(path[i..i + len].to_owned()));
                i += len;
            }
        }
    }
    Some(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_join_as_format_writes_them() {
        for (base, index) in [("steps", 0), ("steps", 3), ("tx.args", 1_234_567), ("", usize::MAX)] {
            assert_eq!(join_index(base, index), format!("{base}[{index}]"));
        }
    }

    #[test]
    fn render_and_parse_round_trip() {
        let segs = vec![
            PathSegment::Key("accounts".into()),
            PathSegment::Key("address:alice".into()),
            PathSegment::Key("storage".into()),
            PathSegment::Key("+".into()),
        ];
        let text = render(&segs);
        assert_eq!(text, r#"accounts["address:alice"].storage["+"]"#);
        assert_eq!(parse(&text), Some(segs));
        assert_eq!(
            parse("steps[3].tx.gasLimt"),
            Some(vec![
                PathSegment::Key("steps".into()),
                PathSegment::Index(3),
                PathSegment::Key("tx".into()),
                PathSegment::Key("gasLimt".into()),
            ])
        );
        assert_eq!(parse(""), Some(vec![]));
        assert_eq!(parse("a[x]"), None);
    }

    #[test]
    fn join_rules() {
        assert_eq!(join("steps[1]", "tx.from"), "steps[1].tx.from");
        assert_eq!(join("steps[1]", "[0]"), "steps[1][0]");
        assert_eq!(join("", "tx"), "tx");
        assert_eq!(join_key("", "$schema"), "$schema");
        assert_eq!(join_key("a", "with \"quote\""), r#"a["with \"quote\""]"#);
    }

    #[test]
    fn lazy_paths_render_as_joined_ones() {
        let steps = At::Rendered("steps");
        let step = steps.index(3);
        let storage = step.key("accounts");
        let account = storage.key("address:alice");
        assert_eq!(account.key("nonce").render(), r#"steps[3].accounts["address:alice"].nonce"#);
        assert_eq!(At::Rendered("").key("tx").render(), "tx");
        assert_eq!(step.render(), join_index("steps", 3));
    }
}
