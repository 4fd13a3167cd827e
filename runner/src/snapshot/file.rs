//! The snapshot file: a text file, one line per figure-bearing step, meant to be committed and
//! reviewed in diffs.
//!
//! ```text
//! # diorama snapshot: one line per scenario file, step and executor: status, gas used, ink used
//! diorama 0.1.0
//! pricing 0x5c0f…
//! evm CANCUN
//! arbos 50
//!
//! erc20.scen.json deploy-token revm success gas=512345
//! stylus/counter.scen.json set-number wasmer success gas=58875 ink=223214042
//! contracts/counter.scen.json set-number debugger success gas=unmetered ink=unmetered
//! ```
//!
//! Fields are separated by one space and never aligned, so a changed figure changes one line
//! only. A file or step name with a space, `"` or `=` in it (or starting with `#`) is written
//! as a JSON string. `gas=unmetered` means a native frame ran; `ink` is absent when no Stylus
//! frame ran.

use std::fmt::Write;

use super::fingerprint::{Fingerprint, PARTS};

/// A gas or ink figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    /// Measured.
    Metered(u64),
    /// Not measured: a native (debugger) frame ran.
    Unmetered,
}

impl Figure {
    fn render(self) -> String {
        match self {
            Figure::Metered(n) => n.to_string(),
            Figure::Unmetered => "unmetered".to_string(),
        }
    }

    fn parse(text: &str) -> Option<Self> {
        if text == "unmetered" { Some(Figure::Unmetered) } else { text.parse().ok().map(Figure::Metered) }
    }

    /// The number, when measured.
    pub fn metered(self) -> Option<u64> {
        match self {
            Figure::Metered(n) => Some(n),
            Figure::Unmetered => None,
        }
    }
}

/// What identifies a line.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// The scenario file, relative to the snapshot file's folder, with `/`.
    pub file: String,
    /// The step's id, or its stable name (see [`super::entries`]).
    pub step: String,
    /// The executor configuration.
    pub executor: String,
}

/// One line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Which step.
    pub key: Key,
    /// The transaction's status.
    pub status: String,
    /// Gas used.
    pub gas: Figure,
    /// Ink used, when a Stylus frame ran.
    pub ink: Option<Figure>,
}

/// A whole snapshot: its fingerprint and its lines in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The header.
    pub fingerprint: Fingerprint,
    /// The lines.
    pub entries: Vec<Entry>,
}

const HEADER: &str = "# diorama snapshot: one line per scenario file, step and executor: status, gas used, ink used\n\
# write it with `diorama snapshot`; compare with `diorama snapshot --check` or `--diff`\n";

impl Snapshot {
    /// The file's text.
    pub fn render(&self) -> String {
        let mut out = String::from(HEADER);
        self.fingerprint.render(&mut out);
        out.push('\n');
        for e in &self.entries {
            let _ = write!(
                out,
                "{} {} {} {} gas={}",
                name(&e.key.file),
                name(&e.key.step),
                name(&e.key.executor),
                name(&e.status),
                e.gas.render()
            );
            if let Some(ink) = e.ink {
                let _ = write!(out, " ink={}", ink.render());
            }
            out.push('\n');
        }
        out
    }

    /// Parses a snapshot file's text.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let mut header: Vec<(&str, String)> = Vec::new();
        let mut entries = Vec::new();
        let mut in_header = true;
        for (i, line) in text.lines().enumerate() {
            let at = |column: usize, message: String| ParseError { line: i + 1, column, message };
            if line.starts_with('#') {
                continue;
            }
            if line.trim().is_empty() {
                // The first blank line after the header ends it.
                in_header &= header.is_empty();
                continue;
            }
            if in_header {
                let (key, value) = line.split_once(' ').unwrap_or((line, ""));
                let Some((key, _)) = PARTS.iter().find(|(k, _)| *k == key) else {
                    let keys: Vec<&str> = PARTS.iter().map(|(k, _)| *k).collect();
                    return Err(at(1, format!("got `{key}`, expected a header line ({})", keys.join(", "))));
                };
                header.push((key, value.trim().to_string()));
                continue;
            }
            entries.push(parse_entry(line).map_err(|(column, message)| at(column, message))?);
        }
        let part = |key: &str| {
            header.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()).ok_or_else(|| ParseError {
                line: 1,
                column: 1,
                message: format!("the header has no `{key}` line (expected diorama, pricing, evm and arbos lines)"),
            })
        };
        let fingerprint = Fingerprint {
            diorama: part("diorama")?,
            pricing: part("pricing")?,
            evm: part("evm")?,
            arbos: part("arbos")?,
        };
        Ok(Self { fingerprint, entries })
    }
}

/// Why a snapshot file's text is not a snapshot; shown as `line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What was wrong.
    pub message: String,
}

/// A name as written: bare, or a JSON string when it could be misread.
fn name(text: &str) -> String {
    let plain = !text.is_empty()
        && !text.starts_with('#')
        && !text.chars().any(|c| c.is_whitespace() || c == '"' || c == '=' || c.is_control());
    if plain { text.to_string() } else { serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}")) }
}

/// Splits a line into fields (bare or JSON strings), with their 1-based columns.
fn fields(line: &str) -> Result<Vec<(usize, String)>, (usize, String)> {
    let mut out = Vec::new();
    let mut rest = line;
    let column = |rest: &str| line[..line.len() - rest.len()].chars().count() + 1;
    loop {
        rest = rest.trim_start_matches(' ');
        if rest.is_empty() {
            return Ok(out);
        }
        let at = column(rest);
        if rest.starts_with('"') {
            let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<String>();
            let value = match stream.next() {
                Some(Ok(v)) => v,
                _ => return Err((at, "unterminated or invalid quoted name".to_string())),
            };
            rest = &rest[stream.byte_offset()..];
            out.push((at, value));
        } else {
            let end = rest.find(' ').unwrap_or(rest.len());
            out.push((at, rest[..end].to_string()));
            rest = &rest[end..];
        }
    }
}

fn parse_entry(line: &str) -> Result<Entry, (usize, String)> {
    let fields = fields(line)?;
    let expected = "expected `FILE STEP EXECUTOR STATUS gas=N [ink=N]`";
    if fields.len() < 5 || fields.len() > 6 {
        return Err((1, format!("{} fields, {expected}", fields.len())));
    }
    let figure = |(column, text): &(usize, String), key: &str| {
        text.strip_prefix(key)
            .and_then(|v| v.strip_prefix('='))
            .and_then(Figure::parse)
            .ok_or_else(|| (*column, format!("got `{text}`, expected {key}=N or {key}=unmetered")))
    };
    let gas = figure(&fields[4], "gas")?;
    let ink = fields.get(5).map(|f| figure(f, "ink")).transpose()?;
    Ok(Entry {
        key: Key { file: fields[0].1.clone(), step: fields[1].1.clone(), executor: fields[2].1.clone() },
        status: fields[3].1.clone(),
        gas,
        ink,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Snapshot {
        let entry = |file: &str, step: &str, gas, ink| Entry {
            key: Key { file: file.into(), step: step.into(), executor: "wasmer".into() },
            status: "success".into(),
            gas,
            ink,
        };
        Snapshot {
            fingerprint: Fingerprint::current(),
            entries: vec![
                entry("a.scen.json", "deploy#1", Figure::Metered(100), None),
                entry("dir with space/b.scen.json", "step \"x\"=1", Figure::Unmetered, Some(Figure::Unmetered)),
                entry("c.scen.json", "#odd", Figure::Metered(5), Some(Figure::Metered(70_000))),
            ],
        }
    }

    #[test]
    fn render_and_parse_round_trip() {
        let snapshot = sample();
        let text = snapshot.render();
        assert!(text.contains("\na.scen.json deploy#1 wasmer success gas=100\n"), "{text}");
        assert!(
            text.contains(
                "\"dir with space/b.scen.json\" \"step \\\"x\\\"=1\" wasmer success gas=unmetered ink=unmetered\n"
            ),
            "{text}"
        );
        assert!(text.contains("\nc.scen.json \"#odd\" wasmer success gas=5 ink=70000\n"), "{text}");
        assert_eq!(Snapshot::parse(&text), Ok(snapshot));
    }

    #[test]
    fn errors_give_line_and_column() {
        let text = sample().render();
        let broken = text.replace("gas=100", "gas=lots");
        let line = broken.lines().position(|l| l.contains("gas=lots")).unwrap() + 1;
        assert_eq!(
            Snapshot::parse(&broken).unwrap_err().to_string(),
            format!("{line}:37: got `gas=lots`, expected gas=N or gas=unmetered")
        );
        assert_eq!(
            Snapshot::parse("pricing 0x1\n\n").unwrap_err().to_string(),
            "1:1: the header has no `diorama` line (expected diorama, pricing, evm and arbos lines)"
        );
        assert!(Snapshot::parse("color blue\n").unwrap_err().to_string().starts_with("1:1: got `color`"));
        let short = text.replace(" success gas=5 ink=70000", "");
        assert!(
            Snapshot::parse(&short)
                .unwrap_err()
                .to_string()
                .contains("3 fields, expected `FILE STEP EXECUTOR STATUS gas=N [ink=N]`")
        );
    }
}
