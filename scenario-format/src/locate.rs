//! Finding where a JSON path sits in a file's text, so that errors found after parsing (a bad
//! expression, a JSON Schema violation, an ABI argument that does not fit) point at a line and
//! column. A small position-tracking scanner: no tree is built and nothing is allocated for
//! values that are skipped.

use crate::path::{self, PathSegment};

/// Line and column (1-based, columns counted in characters) of the value at `json_path`
/// (syntax of [`crate::path`]); `None` if the text does not contain that path.
///
/// ```
/// let src = "{\n  \"steps\": [\n    {\"step\": \"call\"}\n  ]\n}";
/// assert_eq!(scenario_format::locate(src, "steps[0].step"), Some((3, 14)));
/// ```
pub fn locate(source: &str, json_path: &str) -> Option<(usize, usize)> {
    let (_, value) = find(source, json_path)?;
    Some(line_col(source, value))
}

/// Like [`locate`], but for a path ending in an object key, the position of the key itself
/// (where an "unknown field" is best shown).
pub fn locate_key(source: &str, json_path: &str) -> Option<(usize, usize)> {
    let (key, value) = find(source, json_path)?;
    Some(line_col(source, key.unwrap_or(value)))
}

/// Byte range of the value at `json_path` in `source`, from its first byte to just past its
/// last (quotes and brackets included); `None` if the text does not contain that path. Lets a
/// tool rewrite one value and leave every other byte of the file as it was.
///
/// ```
/// let src = "{ \"a\": [1, {\"b\": \"x\"}] }";
/// let span = scenario_format::span(src, "a[1].b").unwrap();
/// assert_eq!(&src[span], "\"x\"");
/// ```
pub fn span(source: &str, json_path: &str) -> Option<std::ops::Range<usize>> {
    let (_, start) = find(source, json_path)?;
    let mut sc = Scanner { s: source.as_bytes(), i: start };
    sc.skip_value()?;
    Some(start..sc.i)
}

/// Line and column (1-based, characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Line and column of each of `offsets` (ascending byte offsets), in one pass over the text:
/// lines and columns are counted incrementally, so a file written on one line stays linear.
pub(crate) fn offsets_to_positions(source: &str, offsets: &[usize]) -> Vec<(usize, usize)> {
    let bytes = source.as_bytes();
    let (mut line, mut line_start, mut column, mut from) = (1usize, 0usize, 1usize, 0usize);
    offsets
        .iter()
        .map(|&offset| {
            let offset = offset.min(bytes.len()).max(from);
            if let Some(last) = memchr::memrchr(b'\n', &bytes[from..offset]) {
                line += memchr::memchr_iter(b'\n', &bytes[from..offset]).count();
                line_start = from + last + 1;
                column = 1 + char_count(&bytes[line_start..offset]);
            } else {
                column += char_count(&bytes[from..offset]);
            }
            from = offset;
            (line, column)
        })
        .collect()
}

/// Characters in UTF-8 bytes (continuation bytes are not counted).
fn char_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b as i8) >= -0x40).count()
}

/// Byte offsets of the key (if the path ends in one) and of the value at `json_path`.
fn find(source: &str, json_path: &str) -> Option<(Option<usize>, usize)> {
    let segments = path::parse(json_path)?;
    let mut sc = Scanner { s: source.as_bytes(), i: 0 };
    let mut key_offset = None;
    for seg in &segments {
        sc.ws();
        match seg {
            PathSegment::Key(wanted) => {
                sc.eat(b'{')?;
                loop {
                    sc.ws();
                    let at = sc.i;
                    let key = sc.string()?;
                    sc.ws();
                    sc.eat(b':')?;
                    sc.ws();
                    if &key == wanted {
                        key_offset = Some(at);
                        break;
                    }
                    sc.skip_value()?;
                    sc.ws();
                    sc.eat(b',')?;
                }
            }
            PathSegment::Index(index) => {
                sc.eat(b'[')?;
                for _ in 0..*index {
                    sc.ws();
                    sc.skip_value()?;
                    sc.ws();
                    sc.eat(b',')?;
                }
                sc.ws();
                if sc.peek()? == b']' {
                    return None;
                }
                key_offset = None;
            }
        }
    }
    sc.ws();
    Some((key_offset, sc.i))
}

/// The first object key that occurs twice in one object: its path and byte offset.
/// serde_json keeps the last of duplicate keys silently; diorama rejects them.
pub(crate) fn find_duplicate_key(source: &str) -> Option<(String, usize)> {
    let mut sc = Scanner { s: source.as_bytes(), i: 0 };
    sc.ws();
    sc.duplicates("", 0).ok().flatten()
}

/// One step of the path to a duplicate key.
enum Seg {
    Key(String),
    Index(usize),
}

/// Whether two raw JSON strings are the same key (escapes compared after decoding).
fn same_key(a: &[u8], b: &[u8]) -> bool {
    if !a.contains(&b'\\') && !b.contains(&b'\\') {
        return a == b;
    }
    decode_key(a) == decode_key(b)
}

fn decode_key(raw: &[u8]) -> String {
    serde_json::from_slice(raw).unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
}

struct Scanner<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.i += 1)
    }

    /// Reads a JSON string at the cursor, decoding escapes.
    fn string(&mut self) -> Option<String> {
        let start = self.i;
        self.eat(b'"')?;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' => self.i += 2,
                _ => self.i += 1,
            }
        }
        self.i += 1;
        serde_json::from_slice(self.s.get(start..self.i)?).ok()
    }

    /// Skips one value of any kind without recursion.
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => {
                    self.raw_string()?;
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.i += 1;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.i += 1;
                }
                b',' | b':' | b' ' | b'\t' | b'\n' | b'\r' if depth > 0 => self.i += 1,
                _ => {
                    while self.peek().is_some_and(|b| !b",:]} \t\n\r".contains(&b)) {
                        self.i += 1;
                    }
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }

    /// Walks one value looking for a duplicate key; `Err` on malformed text.
    fn duplicates(&mut self, at: &str, depth: usize) -> Result<Option<(String, usize)>, ()> {
        let mut trail = Vec::new();
        match self.first_duplicate(&mut trail, depth)? {
            None => Ok(None),
            Some(offset) => {
                let mut path = at.to_owned();
                for seg in &trail {
                    path = match seg {
                        Seg::Key(key) => path::join_key(&path, key),
                        Seg::Index(i) => path::join_index(&path, *i),
                    };
                }
                Ok(Some((path, offset)))
            }
        }
    }

    /// Finds the first duplicate key without allocating for the keys and indexes it passes;
    /// `trail` holds the path to the duplicate (innermost last) when one is found.
    fn first_duplicate(&mut self, trail: &mut Vec<Seg>, depth: usize) -> Result<Option<usize>, ()> {
        if depth > 256 {
            return Err(());
        }
        match self.peek().ok_or(())? {
            b'{' => {
                self.i += 1;
                let mut seen: Vec<&[u8]> = Vec::new();
                loop {
                    self.ws();
                    if self.eat(b'}').is_some() {
                        return Ok(None);
                    }
                    let key_at = self.i;
                    let raw = self.raw_string().ok_or(())?;
                    let duplicate = seen.iter().any(|k| same_key(k, raw));
                    if duplicate {
                        trail.insert(0, Seg::Key(decode_key(raw)));
                        return Ok(Some(key_at));
                    }
                    seen.push(raw);
                    self.ws();
                    self.eat(b':').ok_or(())?;
                    self.ws();
                    if let Some(found) = self.first_duplicate(trail, depth + 1)? {
                        trail.insert(0, Seg::Key(decode_key(raw)));
                        return Ok(Some(found));
                    }
                    self.ws();
                    self.eat(b',');
                }
            }
            b'[' => {
                self.i += 1;
                for index in 0.. {
                    self.ws();
                    if self.eat(b']').is_some() {
                        break;
                    }
                    if let Some(found) = self.first_duplicate(trail, depth + 1)? {
                        trail.insert(0, Seg::Index(index));
                        return Ok(Some(found));
                    }
                    self.ws();
                    self.eat(b',');
                }
                Ok(None)
            }
            _ => self.skip_value().map(|()| None).ok_or(()),
        }
    }

    /// The raw bytes of a JSON string at the cursor, quotes included, escapes undecoded.
    fn raw_string(&mut self) -> Option<&'a [u8]> {
        let start = self.i;
        self.eat(b'"')?;
        loop {
            // Jump to the next quote or backslash instead of stepping byte by byte.
            self.i += memchr::memchr2(b'"', b'\\', self.s.get(self.i..)?)?;
            match self.peek()? {
                b'"' => break,
                _ => self.i += 2,
            }
        }
        self.i += 1;
        self.s.get(start..self.i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"{
  "name": "x",
  "steps": [
    { "step": "setState",
      "accounts": { "address:alice": { "balance": "1,000" }, "+": "" } },
    {"step":"call","tx":{"from":"address:alice","args":["1",["2","3"]]}}
  ]
}"#;

    #[test]
    fn locates_values_and_keys() {
        assert_eq!(locate(SRC, ""), Some((1, 1)));
        assert_eq!(locate(SRC, "name"), Some((2, 11)));
        assert_eq!(locate(SRC, "steps[0]"), Some((4, 5)));
        assert_eq!(locate(SRC, r#"steps[0].accounts["address:alice"].balance"#), Some((5, 51)));
        assert_eq!(locate_key(SRC, r#"steps[0].accounts["+"]"#), Some((5, 62)));
        assert_eq!(locate(SRC, "steps[1].tx.args[1][1]"), Some((6, 66)));
        assert_eq!(locate(SRC, "steps[1].tx.to"), None);
        assert_eq!(locate(SRC, "steps[2]"), None);
    }

    #[test]
    fn spans_cover_whole_values() {
        let at = |path: &str| span(SRC, path).map(|r| &SRC[r]);
        assert_eq!(at("name"), Some("\"x\""));
        assert_eq!(at(r#"steps[0].accounts["address:alice"]"#), Some("{ \"balance\": \"1,000\" }"));
        assert_eq!(at("steps[1].tx.args"), Some("[\"1\",[\"2\",\"3\"]]"));
        assert_eq!(at("steps[1].tx.args[1][0]"), Some("\"2\""));
        assert_eq!(span("{\"n\": 12, \"t\": true}", "n").map(|r| r.len()), Some(2));
        assert_eq!(span("{\"n\": 12, \"t\": true}", "t").map(|r| r.len()), Some(4));
        assert_eq!(at("steps[2]"), None);
    }

    #[test]
    fn columns_count_characters() {
        let src = "{\"é\": 1, \"k\": 2}";
        assert_eq!(locate_key(src, "k"), Some((1, 10)));
    }

    #[test]
    fn finds_duplicate_keys() {
        assert_eq!(find_duplicate_key(SRC), None);
        let src = "{\"a\": [{\"b\": 1, \"c\": {}, \"b\": 2}]}";
        let (path, at) = find_duplicate_key(src).unwrap();
        assert_eq!(path, "a[0].b");
        assert_eq!(line_col(src, at), (1, 26));
    }

    #[test]
    fn malformed_text_gives_none() {
        assert_eq!(locate("{\"a\": [1, 2", "a[5]"), None);
        assert_eq!(locate("", "a"), None);
        assert_eq!(find_duplicate_key("{\"a\": "), None);
    }

    #[test]
    fn offsets_to_positions_agree_with_line_col() {
        let src = "{\n  \"a\": [\n    {\"é\": 1},\n\n  \"é\",  7\n  ]\n}";
        let offsets: Vec<usize> = src.char_indices().map(|(i, _)| i).collect();
        let all = offsets_to_positions(src, &offsets);
        for (offset, pos) in offsets.iter().zip(all) {
            assert_eq!(pos, line_col(src, *offset), "offset {offset}");
        }
    }
}
