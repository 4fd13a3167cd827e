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
    let mut sc = Scanner { s: source.as_bytes(), i: start, work: 0, spare: Vec::new() };
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

/// Line and column of each of `offsets` (ascending byte offsets), in one pass over the text.
pub(crate) fn offsets_to_positions(source: &str, offsets: &[usize]) -> Vec<(usize, usize)> {
    let mut positions = Positions::new(source);
    offsets.iter().map(|&offset| positions.at(offset)).collect()
}

/// Lines and columns of ascending byte offsets of a text, counted incrementally from one offset
/// to the next, so that a file written on one line stays linear.
pub(crate) struct Positions<'a> {
    bytes: &'a [u8],
    line: usize,
    column: usize,
    /// The last offset asked for.
    from: usize,
}

impl<'a> Positions<'a> {
    pub(crate) fn new(source: &'a str) -> Self {
        Positions { bytes: source.as_bytes(), line: 1, column: 1, from: 0 }
    }

    /// Line and column (1-based, characters) of `offset` (not before the last one asked for).
    pub(crate) fn at(&mut self, offset: usize) -> (usize, usize) {
        let (bytes, from) = (self.bytes, self.from);
        let offset = offset.min(bytes.len()).max(from);
        if let Some(last) = memchr::memrchr(b'\n', &bytes[from..offset]) {
            self.line += memchr::memchr_iter(b'\n', &bytes[from..offset]).count();
            let line_start = from + last + 1;
            self.column = 1 + char_count(&bytes[line_start..offset]);
        } else {
            self.column += char_count(&bytes[from..offset]);
        }
        self.from = offset;
        (self.line, self.column)
    }
}

/// Characters in UTF-8 bytes (continuation bytes are not counted).
fn char_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b as i8) >= -0x40).count()
}

/// Like [`locate`], but when the text has no value at `json_path` (an error about a field that
/// is missing), the position of the nearest enclosing value that it has: the object lacking the
/// field, else its parent, up to the document.
pub(crate) fn locate_nearest(source: &str, json_path: &str) -> Option<(usize, usize)> {
    let mut segments = path::parse(json_path)?;
    loop {
        if let Some((_, value)) = find_segments(source, &segments) {
            return Some(line_col(source, value));
        }
        segments.pop()?;
    }
}

/// Byte offsets of the key (if the path ends in one) and of the value at `json_path`.
fn find(source: &str, json_path: &str) -> Option<(Option<usize>, usize)> {
    find_segments(source, &path::parse(json_path)?)
}

fn find_segments(source: &str, segments: &[PathSegment]) -> Option<(Option<usize>, usize)> {
    let mut sc = Scanner::new(source);
    let mut key_offset = None;
    for seg in segments {
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

/// What the structural scan of a document found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Structural {
    /// A key that occurs twice in one object (serde_json keeps the last one silently).
    DuplicateKey,
    /// A `null` (no field of the format takes one; serde would read it as an omitted field).
    Null,
}

/// The first duplicate key or `null` value of a document, in document order: its kind, path and
/// byte offset. One pass, linear in the text (see [`Seen`]).
pub(crate) fn find_structural_error(source: &str) -> Option<(Structural, String, usize)> {
    scan(source).0
}

/// [`find_structural_error`] with the number of key comparisons and lookups it made.
fn scan(source: &str) -> (Option<(Structural, String, usize)>, usize) {
    let mut sc = Scanner::new(source);
    sc.ws();
    let found = sc.structural("", 0).ok().flatten();
    (found, sc.work)
}

/// One step of the path to a structural error.
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Keys of one object seen so far, compared after decoding escapes. A short list is scanned;
/// past [`Seen::SMALL`] keys they move to a hash set, so that an object of 60,000 accounts costs
/// 60,000 lookups, not 60,000² / 2 comparisons.
enum Seen<'a> {
    Few(Vec<std::borrow::Cow<'a, [u8]>>),
    Many(std::collections::HashSet<std::borrow::Cow<'a, [u8]>>),
}

impl<'a> Seen<'a> {
    const SMALL: usize = 16;

    /// Adds the key whose raw JSON string (quotes included) is `raw`; false if it was already there.
    fn insert(&mut self, raw: &'a [u8], work: &mut usize) -> bool {
        let key = key_bytes(raw);
        match self {
            Seen::Few(list) if list.len() < Self::SMALL => {
                *work += list.len();
                if list.contains(&key) {
                    return false;
                }
                list.push(key);
                true
            }
            Seen::Few(list) => {
                let mut set: std::collections::HashSet<_> = list.drain(..).collect();
                let fresh = set.insert(key);
                *self = Seen::Many(set);
                fresh
            }
            Seen::Many(set) => {
                *work += 1;
                set.insert(key)
            }
        }
    }
}

/// The decoded bytes of a raw JSON string: borrowed when it has no escapes.
pub(crate) fn key_bytes(raw: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
    if memchr::memchr(b'\\', inner).is_none() {
        std::borrow::Cow::Borrowed(inner)
    } else {
        std::borrow::Cow::Owned(decode_key(raw).into_bytes())
    }
}

fn decode_key(raw: &[u8]) -> String {
    serde_json::from_slice(raw).unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
}

pub(crate) struct Scanner<'a> {
    s: &'a [u8],
    /// The cursor (a byte offset).
    pub(crate) i: usize,
    /// Key comparisons and set lookups of the structural scan (tests check it stays linear).
    work: usize,
    /// Emptied key lists of objects already scanned, reused by the next ones (a large file has
    /// several objects per step).
    spare: Vec<Vec<std::borrow::Cow<'a, [u8]>>>,
}

impl<'a> Scanner<'a> {
    /// A scanner at the start of `source`.
    pub(crate) fn new(source: &'a str) -> Self {
        Scanner { s: source.as_bytes(), i: 0, work: 0, spare: Vec::new() }
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    pub(crate) fn ws(&mut self) {
        const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
        loop {
            match self.peek() {
                // Indentation comes in runs of spaces: up to eight are skipped at a time.
                Some(b' ') => match self.s.get(self.i..self.i + 8) {
                    Some(chunk) => {
                        let diff = u64::from_le_bytes(chunk.try_into().unwrap_or_default()) ^ SPACES;
                        // At least one: the first byte is a space.
                        self.i += if diff == 0 { 8 } else { (diff.trailing_zeros() / 8) as usize };
                    }
                    None => self.i += 1,
                },
                Some(b'\t' | b'\n' | b'\r') => self.i += 1,
                _ => return,
            }
        }
    }

    pub(crate) fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.i += 1)
    }

    /// Like [`Scanner::eat`], for a run of bytes.
    pub(crate) fn eat_all(&mut self, bytes: &[u8]) -> Option<()> {
        (self.s.get(self.i..self.i + bytes.len())? == bytes).then(|| self.i += bytes.len())
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
                    let start = self.i;
                    while self.peek().is_some_and(|b| !b",:]} \t\n\r".contains(&b)) {
                        self.i += 1;
                    }
                    // A delimiter where a value belongs (`[:]`): malformed, and the callers'
                    // loops would not move on.
                    if self.i == start {
                        return None;
                    }
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }

    /// Walks one value looking for a duplicate key or a `null`; `Err` on malformed text.
    fn structural(&mut self, at: &str, depth: usize) -> Result<Option<(Structural, String, usize)>, ()> {
        let mut trail = Vec::new();
        match self.first_structural(&mut trail, depth)? {
            None => Ok(None),
            Some((kind, offset)) => {
                let mut path = at.to_owned();
                for seg in &trail {
                    path = match seg {
                        Seg::Key(key) => path::join_key(&path, key),
                        Seg::Index(i) => path::join_index(&path, *i),
                    };
                }
                Ok(Some((kind, path, offset)))
            }
        }
    }

    /// Finds the first duplicate key or `null` without allocating for the keys and indexes it
    /// passes; `trail` holds the path to it (innermost last) when one is found.
    pub(crate) fn first_structural(
        &mut self,
        trail: &mut Vec<Seg>,
        depth: usize,
    ) -> Result<Option<(Structural, usize)>, ()> {
        if depth > 256 {
            return Err(());
        }
        match self.peek().ok_or(())? {
            b'{' => {
                self.i += 1;
                let mut seen = Seen::Few(self.spare.pop().unwrap_or_default());
                loop {
                    self.ws();
                    if self.eat(b'}').is_some() {
                        if let Seen::Few(mut keys) = seen {
                            keys.clear();
                            self.spare.push(keys);
                        }
                        return Ok(None);
                    }
                    let key_at = self.i;
                    let raw = self.raw_string().ok_or(())?;
                    if !seen.insert(raw, &mut self.work) {
                        trail.insert(0, Seg::Key(decode_key(raw)));
                        return Ok(Some((Structural::DuplicateKey, key_at)));
                    }
                    self.ws();
                    self.eat(b':').ok_or(())?;
                    self.ws();
                    if let Some(found) = self.first_structural(trail, depth + 1)? {
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
                    if let Some(found) = self.first_structural(trail, depth + 1)? {
                        trail.insert(0, Seg::Index(index));
                        return Ok(Some(found));
                    }
                    self.ws();
                    self.eat(b',');
                }
                Ok(None)
            }
            b'n' if self.s[self.i..].starts_with(b"null") => Ok(Some((Structural::Null, self.i))),
            _ => self.skip_value().map(|()| None).ok_or(()),
        }
    }

    /// The value of `key` in the object at the cursor, found among its keys (values skipped), when
    /// the key and the value are strings written without escapes; `None` when it is not there or
    /// is written otherwise, or when the text is not such an object (the caller parses it then).
    pub(crate) fn plain_string_of_key(&mut self, key: &str) -> Option<&'a str> {
        let inner = |raw: &'a [u8]| &raw[1..raw.len() - 1];
        self.eat(b'{')?;
        loop {
            self.ws();
            let found = inner(self.raw_string()?) == key.as_bytes();
            self.ws();
            self.eat(b':')?;
            self.ws();
            if found {
                let value = inner(self.raw_string()?);
                return memchr::memchr(b'\\', value).is_none().then(|| std::str::from_utf8(value).ok()).flatten();
            }
            self.skip_loosely()?;
            self.ws();
            self.eat(b',')?;
        }
    }

    /// Skips a string, object or list at the cursor by its quotes and its own kind of brackets
    /// alone, jumping over everything else (in well-formed JSON each kind is balanced); `None`
    /// for any other value, or where the brackets do not close. Loose: only for finding a key in
    /// text that is parsed afterwards, which rejects what this lets through.
    fn skip_loosely(&mut self) -> Option<()> {
        let (open, close) = match self.peek()? {
            b'"' => return self.raw_string().map(drop),
            b'{' => (b'{', b'}'),
            b'[' => (b'[', b']'),
            _ => return None,
        };
        let mut depth = 0usize;
        loop {
            self.i += memchr::memchr3(b'"', open, close, self.s.get(self.i..)?)?;
            match self.s[self.i] {
                b'"' => {
                    self.raw_string()?;
                    continue;
                }
                b if b == open => depth += 1,
                _ => depth = depth.checked_sub(1)?,
            }
            self.i += 1;
            if depth == 0 {
                return Some(());
            }
        }
    }

    /// The raw bytes of a JSON string at the cursor, quotes included, escapes undecoded.
    pub(crate) fn raw_string(&mut self) -> Option<&'a [u8]> {
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
        assert_eq!(locate_nearest(SRC, "steps[1].tx.args[1][1]"), Some((6, 66)));
        assert_eq!(locate_nearest(SRC, "steps[1].tx.to"), locate(SRC, "steps[1].tx"));
        assert_eq!(locate_nearest(SRC, "steps[7].tx"), locate(SRC, "steps"));
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
    fn finds_duplicate_keys_and_nulls() {
        assert_eq!(find_structural_error(SRC), None);
        let src = "{\"a\": [{\"b\": 1, \"c\": {}, \"b\": 2}]}";
        let (kind, path, at) = find_structural_error(src).unwrap();
        assert_eq!((kind, path.as_str()), (Structural::DuplicateKey, "a[0].b"));
        assert_eq!(line_col(src, at), (1, 26));
        let src = "{\"a\": [{\"b\": \"null\", \"c\": null}]}";
        let (kind, path, at) = find_structural_error(src).unwrap();
        assert_eq!((kind, path.as_str()), (Structural::Null, "a[0].c"));
        assert_eq!(line_col(src, at), (1, 27));
        let escaped = "{\"k\": 1, \"\\u006b\": 2}";
        assert_eq!(find_structural_error(escaped).map(|f| f.1), Some("k".to_owned()));
    }

    #[test]
    fn malformed_text_ends_the_scan() {
        // A delimiter where a value belongs once made the scan spin in place.
        for src in ["[:]", "[,]", "{\"a\": [1 : 2]}", "{\"steps\": [{}:]}", "[1,,]", "{\"a\": :}"] {
            assert_eq!(scan(src).0, None, "{src}");
        }
    }

    #[test]
    fn the_duplicate_key_scan_is_linear() {
        // Regression (issue 13): 60,000 accounts in one object took 32 s to check, every key
        // compared with every earlier one.
        let object = |n: usize| {
            let keys: Vec<String> = (0..n).map(|i| format!("\"address:a{i}\": {{}}")).collect();
            format!("{{{}}}", keys.join(", "))
        };
        let (found, work) = scan(&object(60_000));
        assert_eq!(found, None);
        assert!(work <= 60_000 * Seen::SMALL, "{work} comparisons for 60,000 keys");
        let mut with_duplicate = object(60_000);
        with_duplicate.insert_str(with_duplicate.len() - 1, ", \"address:a7\": {}");
        let (found, _) = scan(&with_duplicate);
        assert_eq!(found.map(|f| (f.0, f.1)), Some((Structural::DuplicateKey, "[\"address:a7\"]".to_owned())));
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

    #[test]
    fn whitespace_is_skipped_to_the_first_other_byte() {
        // Runs of spaces of every length up to 20, around tabs, newlines and carriage returns,
        // at the end of the text and before other bytes (the skip takes eight at a time).
        let runs = ["", "\t", "\n", "\r\n", "\t \n"];
        for len in 0..=20 {
            for before in runs {
                for after in runs {
                    for end in ["", "x", "  \"", "\u{e9}"] {
                        let text = format!("{before}{}{after}{end}", " ".repeat(len));
                        let mut scanner = Scanner::new(&text);
                        scanner.ws();
                        let expected = text.len() - text.trim_start_matches([' ', '\t', '\n', '\r']).len();
                        assert_eq!(scanner.i, expected, "{text:?}");
                    }
                }
            }
        }
    }
}
