//! Comparing two snapshots: status changes, added and removed lines, then gas and ink changes
//! with old → new, delta and percent, sorted by the size of the change (ink counted in gas, at
//! 10,000 ink per gas, so both sort on one scale), and the totals. `--tolerance PCT` accepts a
//! figure that moved by at most PCT percent of its old value.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::file::{Entry, Figure, Key};

/// Ink per gas (Stylus `ink_price`), to put ink and gas changes on one scale.
const INK_PER_GAS: u64 = 10_000;

/// What changed about one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A line that is new.
    Added {
        /// The line.
        entry: Entry,
    },
    /// A line that is gone.
    Removed {
        /// The line.
        entry: Entry,
    },
    /// The transaction's status changed.
    Status {
        /// Which line.
        key: Key,
        /// Before.
        old: String,
        /// After.
        new: String,
    },
    /// Gas or ink changed.
    Figure {
        /// Which line.
        key: Key,
        /// `gas` or `ink`.
        what: &'static str,
        /// Before (`None`: absent).
        old: Option<Figure>,
        /// After.
        new: Option<Figure>,
    },
}

impl Change {
    fn key(&self) -> &Key {
        match self {
            Change::Added { entry } | Change::Removed { entry } => &entry.key,
            Change::Status { key, .. } | Change::Figure { key, .. } => key,
        }
    }

    /// The change in gas units, for sorting (status, added and removed lines come first).
    fn size(&self) -> u64 {
        match self {
            Change::Figure { what, old, new, .. } => {
                match (old.and_then(Figure::metered), new.and_then(Figure::metered)) {
                    (Some(a), Some(b)) => {
                        let delta = a.abs_diff(b);
                        if *what == "ink" { delta / INK_PER_GAS } else { delta }
                    }
                    _ => u64::MAX - 1,
                }
            }
            _ => u64::MAX,
        }
    }
}

/// The changes between two snapshots' lines.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Comparison {
    /// Changes beyond the tolerance, sorted.
    pub changes: Vec<Change>,
    /// Figures that moved within the tolerance.
    pub within_tolerance: usize,
    /// Total gas of the lines metered in both: before, after.
    pub total_gas: (u64, u64),
    /// Total ink of the lines metered in both: before, after.
    pub total_ink: (u64, u64),
    /// The tolerance applied, percent.
    pub tolerance: f64,
}

/// Compares `old` with `new`, accepting figure drift up to `tolerance` percent.
pub fn compare(old: &[Entry], new: &[Entry], tolerance: f64) -> Comparison {
    let old_by: BTreeMap<&Key, &Entry> = old.iter().map(|e| (&e.key, e)).collect();
    let new_by: BTreeMap<&Key, &Entry> = new.iter().map(|e| (&e.key, e)).collect();
    let mut result = Comparison { tolerance, ..Comparison::default() };
    for (key, entry) in &old_by {
        if !new_by.contains_key(key) {
            result.changes.push(Change::Removed { entry: (*entry).clone() });
        }
    }
    for (key, after) in &new_by {
        let Some(before) = old_by.get(key) else {
            result.changes.push(Change::Added { entry: (*after).clone() });
            continue;
        };
        if before.status != after.status {
            result.changes.push(Change::Status {
                key: (*key).clone(),
                old: before.status.clone(),
                new: after.status.clone(),
            });
        }
        for (what, a, b, total) in [
            ("gas", Some(before.gas), Some(after.gas), &mut result.total_gas),
            ("ink", before.ink, after.ink, &mut result.total_ink),
        ] {
            if let (Some(x), Some(y)) = (a.and_then(Figure::metered), b.and_then(Figure::metered)) {
                total.0 += x;
                total.1 += y;
            }
            if a == b {
                continue;
            }
            if within(a, b, tolerance) {
                result.within_tolerance += 1;
                continue;
            }
            result.changes.push(Change::Figure { key: (*key).clone(), what, old: a, new: b });
        }
    }
    result.changes.sort_by(|x, y| y.size().cmp(&x.size()).then_with(|| x.key().cmp(y.key())));
    result
}

fn within(a: Option<Figure>, b: Option<Figure>, tolerance: f64) -> bool {
    match (a.and_then(Figure::metered), b.and_then(Figure::metered)) {
        (Some(x), Some(y)) if x > 0 => x.abs_diff(y) as f64 * 100.0 <= tolerance * x as f64,
        _ => false,
    }
}

impl Comparison {
    /// Whether anything changed beyond the tolerance.
    pub fn changed(&self) -> bool {
        !self.changes.is_empty()
    }

    fn counts(&self) -> String {
        let count = |f: fn(&Change) -> bool| self.changes.iter().filter(|c| f(c)).count();
        let mut text = format!(
            "{} changed, {} added, {} removed",
            count(|c| matches!(c, Change::Status { .. } | Change::Figure { .. })),
            count(|c| matches!(c, Change::Added { .. })),
            count(|c| matches!(c, Change::Removed { .. })),
        );
        if self.within_tolerance > 0 {
            let _ = write!(text, "; {} within ±{}%", self.within_tolerance, self.tolerance);
        }
        text
    }

    /// Plain text, one change per line, then the totals.
    pub fn render_human(&self, title: &str) -> String {
        let mut out = format!("{title}: {}\n", self.counts());
        for change in &self.changes {
            let (label, key, text) = match change {
                Change::Added { entry } => ("added", &entry.key, line_figures(entry)),
                Change::Removed { entry } => ("removed", &entry.key, line_figures(entry)),
                Change::Status { key, old, new } => ("status", key, format!("{old} → {new}")),
                Change::Figure { key, what, old, new } => {
                    let (delta, percent) = delta(*old, *new);
                    let tail = if delta.is_empty() { String::new() } else { format!(" ({delta}, {percent})") };
                    (*what, key, format!("{} → {}{tail}", show(*old), show(*new)))
                }
            };
            let _ = writeln!(out, "  {label:<7} {} {} [{}]: {text}", key.file, key.step, key.executor);
        }
        for (what, (old, new)) in [("gas", self.total_gas), ("ink", self.total_ink)] {
            if old != 0 || new != 0 {
                let (delta, percent) = delta(Some(Figure::Metered(old)), Some(Figure::Metered(new)));
                let _ = writeln!(out, "  total {what}: {} → {} ({delta}, {percent})", group(old), group(new));
            }
        }
        out
    }

    /// A Markdown table, ready to post on a pull request.
    pub fn render_markdown(&self, title: &str) -> String {
        let mut out = format!("### {title}\n\n{}\n\n", self.counts());
        if self.changes.is_empty() {
            out.push_str("No changes.\n");
        } else {
            out.push_str("| scenario | step | executor | figure | old | new | Δ | % |\n");
            out.push_str("|---|---|---|---|---:|---:|---:|---:|\n");
        }
        let cell = |text: &str| text.replace('|', "\\|");
        for change in &self.changes {
            let (key, figure, old, new, delta_text, percent) = match change {
                Change::Added { entry } => {
                    (&entry.key, "added", String::new(), line_figures(entry), String::new(), String::new())
                }
                Change::Removed { entry } => {
                    (&entry.key, "removed", line_figures(entry), String::new(), String::new(), String::new())
                }
                Change::Status { key, old, new } => {
                    (key, "status", old.clone(), new.clone(), String::new(), String::new())
                }
                Change::Figure { key, what, old, new } => {
                    let (d, p) = delta(*old, *new);
                    (key, *what, show(*old), show(*new), d, p)
                }
            };
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} | {figure} | {} | {} | {delta_text} | {percent} |",
                cell(&key.file),
                cell(&key.step),
                key.executor,
                cell(&old),
                cell(&new)
            );
        }
        if self.changed() {
            for (what, (old, new)) in [("gas", self.total_gas), ("ink", self.total_ink)] {
                if old != 0 || new != 0 {
                    let (d, p) = delta(Some(Figure::Metered(old)), Some(Figure::Metered(new)));
                    let _ = writeln!(out, "| **total** | | | {what} | {} | {} | {d} | {p} |", group(old), group(new));
                }
            }
        }
        out
    }
}

fn line_figures(entry: &Entry) -> String {
    let mut text = format!("{} gas {}", entry.status, show(Some(entry.gas)));
    if let Some(ink) = entry.ink {
        let _ = write!(text, " ink {}", show(Some(ink)));
    }
    text
}

fn show(figure: Option<Figure>) -> String {
    match figure {
        Some(Figure::Metered(n)) => group(n),
        Some(Figure::Unmetered) => "unmetered".into(),
        None => "-".into(),
    }
}

/// `+1,234` and `+0.25%` (`n/a` from zero); empty when either side is not a number.
fn delta(old: Option<Figure>, new: Option<Figure>) -> (String, String) {
    let (Some(a), Some(b)) = (old.and_then(Figure::metered), new.and_then(Figure::metered)) else {
        return (String::new(), String::new());
    };
    let sign = if b >= a { "+" } else { "-" };
    let percent =
        if a == 0 { "n/a".to_string() } else { format!("{sign}{:.2}%", a.abs_diff(b) as f64 * 100.0 / a as f64) };
    (format!("{sign}{}", group(a.abs_diff(b))), percent)
}

/// `1234567` → `1,234,567`.
pub(crate) fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(step: &str, status: &str, gas: u64, ink: Option<u64>) -> Entry {
        Entry {
            key: Key { file: "a.scen.json".into(), step: step.into(), executor: "wasmer".into() },
            status: status.into(),
            gas: Figure::Metered(gas),
            ink: ink.map(Figure::Metered),
        }
    }

    #[test]
    fn changes_are_sorted_by_size_and_totalled() {
        let old = [
            entry("a", "success", 1000, None),
            entry("b", "success", 50_000, Some(1_000_000)),
            entry("gone", "success", 1, None),
        ];
        let new = [
            entry("a", "success", 1010, None),
            entry("b", "revert", 50_000, Some(51_000_000)),
            entry("new", "success", 7, None),
        ];
        let c = compare(&old, &new, 0.0);
        assert_eq!(c.changes.len(), 5);
        // Status changes, added and removed lines first, by key.
        assert!(matches!(&c.changes[0], Change::Status { new, .. } if new == "revert"));
        assert!(matches!(&c.changes[1], Change::Removed { entry } if entry.key.step == "gone"));
        assert!(matches!(&c.changes[2], Change::Added { entry } if entry.key.step == "new"));
        // 50,000,000 ink = 5,000 gas: larger than the 10 gas change.
        assert!(matches!(&c.changes[3], Change::Figure { what: "ink", .. }));
        assert!(matches!(&c.changes[4], Change::Figure { what: "gas", .. }));
        assert_eq!(c.total_gas, (51_000, 51_010));
        let text = c.render_human("snap");
        assert!(text.starts_with("snap: 3 changed, 1 added, 1 removed\n"), "{text}");
        assert!(text.contains("  gas     a.scen.json a [wasmer]: 1,000 → 1,010 (+10, +1.00%)\n"), "{text}");
        assert!(
            text.contains("  ink     a.scen.json b [wasmer]: 1,000,000 → 51,000,000 (+50,000,000, +5000.00%)\n"),
            "{text}"
        );
        assert!(text.contains("  total gas: 51,000 → 51,010 (+10, +0.02%)\n"), "{text}");
    }

    #[test]
    fn tolerance_accepts_small_drift_only() {
        let old = [entry("a", "success", 1000, None)];
        for (gas, tolerance, changed) in [(1010, 1.0, false), (1011, 1.0, true), (990, 1.0, false), (1000, 0.0, false)]
        {
            let c = compare(&old, &[entry("a", "success", gas, None)], tolerance);
            assert_eq!(c.changed(), changed, "{gas} at ±{tolerance}%");
            assert_eq!(c.within_tolerance, usize::from(!changed && gas != 1000));
        }
        let c = compare(&[entry("a", "success", 0, None)], &[entry("a", "success", 1, None)], 50.0);
        assert!(c.changed(), "any change from zero exceeds a tolerance");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(1_234_567), "1,234,567");
    }
}
