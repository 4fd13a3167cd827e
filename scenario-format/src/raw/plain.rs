//! A cursor over JSON written plainly: objects, lists and strings without escapes; no number,
//! `true`, `false` or `null`. [`super::ready`] reads the commonest step with it, and declines
//! (`None`) whatever it does not read exactly as the format's own reader would. Strings and runs
//! of spaces are scanned eight bytes at a time, keys matched once.

use super::common::StepTag;
use super::common::Text;
use crate::locate::Scanner;
use crate::model::Quotes;

/// Lists nested deeper than this are declined (serde's own limit is 128 levels).
pub(super) const MAX_DEPTH: usize = 32;

/// Fills an empty slot; `None` (decline) when the field was already given.
pub(super) fn set<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    slot.is_none().then(|| *slot = Some(value))
}

/// The cursor over a step's text.
pub(super) struct Plain<'a> {
    text: &'a str,
    at: Scanner<'a>,
    /// What the values read keep of their written text.
    quotes: Quotes,
}

impl<'a> Plain<'a> {
    /// A cursor at the start of `text`, past any whitespace.
    pub(super) fn new(text: &'a str, quotes: Quotes) -> Self {
        let mut at = Scanner::new(text);
        at.ws();
        Plain { text, at, quotes }
    }

    pub(super) fn quotes(&self) -> Quotes {
        self.quotes
    }

    /// How far the cursor has read.
    pub(super) fn offset(&self) -> usize {
        self.at.i
    }

    /// An object: `field` reads the value of each key (and declines unknown ones).
    pub(super) fn object(&mut self, mut field: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.at.eat(b'{')?;
        self.at.ws();
        if self.at.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            let key = self.string()?;
            // `": "`, as indented files write it, taken at once: one step fewer that waits for
            // the one before it (the ERC-20 bench: 450 fewer instructions per transfer, and
            // 0.5-0.8 % less time).
            if self.at.eat_all(b": ").is_none() {
                self.at.ws();
                self.at.eat(b':')?;
            }
            self.at.ws();
            field(self, key)?;
            self.at.ws();
            if self.at.eat(b',').is_none() {
                return self.at.eat(b'}');
            }
            self.at.ws();
        }
    }

    /// A list, each element read by `item`.
    pub(super) fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.at.eat(b'[')?;
        self.at.ws();
        if self.at.eat(b']').is_some() {
            return Some(Vec::new());
        }
        // Room for four, as the first push would make, without growing from nothing.
        let mut items = Vec::with_capacity(4);
        loop {
            items.push(item(self)?);
            self.at.ws();
            if self.at.eat(b',').is_none() {
                self.at.eat(b']')?;
                return Some(items);
            }
            self.at.ws();
        }
    }

    /// A string without escapes or control characters (which serde rejects).
    pub(super) fn string(&mut self) -> Option<&'a str> {
        self.at.eat(b'"')?;
        let start = self.at.i;
        let len = plain_len(self.text.as_bytes().get(start..)?)?;
        self.at.i = start + len + 1;
        self.text.get(start..start + len)
    }

    pub(super) fn text(&mut self) -> Option<Text> {
        self.string().map(|s| Text(s.to_owned()))
    }

    pub(super) fn tag(&mut self) -> Option<StepTag> {
        self.string().map(StepTag::of)
    }

    pub(super) fn is_next(&self, byte: u8) -> bool {
        self.at.peek() == Some(byte)
    }
}

/// The length of the string whose text starts `bytes` (up to its closing quote), when it has no
/// escape or control character before the quote. Eight bytes are looked at a time: string
/// values are where a step's bytes are.
fn plain_len(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // The high bit of each byte that is zero (exact for the lowest such byte, which is all that
    // is used), and of each byte below 0x20.
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let x = u64::from_le_bytes(chunk.try_into().ok()?);
        let stops = zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')))
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGHS);
        if stops != 0 {
            at += (stops.trailing_zeros() / 8) as usize;
            return (bytes[at] == b'"').then_some(at);
        }
        at += 8;
    }
    let end = at + bytes[at..].iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    (bytes[end] == b'"').then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_end_at_their_quote_and_escapes_or_control_characters_are_declined() {
        let naive = |bytes: &[u8]| {
            let end = bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            (bytes[end] == b'"').then_some(end)
        };
        // Each special byte at each place of strings of every length across the 8-byte steps.
        for len in 0..40 {
            for at in 0..=len {
                for special in [b'"', b'\\', 0x00, 0x1f, b'\n', 0x20, 0x7f, 0x80, 0xff] {
                    let mut bytes = vec![b'a'; len];
                    bytes.insert(at, special);
                    bytes.extend_from_slice(b"\"rest\\\"");
                    assert_eq!(plain_len(&bytes), naive(&bytes), "{bytes:?}");
                }
            }
        }
        // What is declined for a control character, serde rejects; the rest is read whole.
        for s in ["a\u{1}", "abcdefghij\u{1f}", "\t", "abcdefg\n", "abcdefghijklmnop\u{7f}é"] {
            let json = format!("\"{s}\"");
            let serde = serde_json::from_str::<String>(&json).ok();
            assert_eq!(Plain::new(&json, Quotes::Kept).string().map(str::to_owned), serde, "{s:?}");
        }
    }
}
