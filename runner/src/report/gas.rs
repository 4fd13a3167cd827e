//! The gas report (`run --gas-report`): per contract, function and executor, how many calls and
//! their min / mean / median / max gas, and ink where Stylus frames were metered. Built from the
//! step reports, so it covers EVM and Stylus alike and every executor separately.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::RunReport;
use crate::executors::rank;

/// Min, mean, median and max of some figures (mean and median rounded down).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct GasStats {
    /// Smallest.
    pub min: u64,
    /// Arithmetic mean, rounded down.
    pub mean: u64,
    /// Middle value; for an even count the mean of the two middle ones, rounded down.
    pub median: u64,
    /// Largest.
    pub max: u64,
}

impl GasStats {
    /// The statistics of `values`; `None` when there are none.
    pub fn of(values: &mut [u64]) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        values.sort_unstable();
        let n = values.len();
        let sum: u128 = values.iter().map(|v| u128::from(*v)).sum();
        let median = if n % 2 == 1 {
            values[n / 2]
        } else {
            ((u128::from(values[n / 2 - 1]) + u128::from(values[n / 2])) / 2) as u64
        };
        Some(Self { min: values[0], mean: (sum / n as u128) as u64, median, max: values[n - 1] })
    }
}

/// One contract × function × executor line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GasRow {
    /// The contract (its code's name, or the address as written).
    pub contract: String,
    /// The function (signature without return types), selector, `(deploy)` or `(activate)`.
    pub function: String,
    /// The executor configuration.
    pub executor: String,
    /// Transactions counted.
    pub calls: usize,
    /// Gas of the metered ones; `None` when no call was metered (a native frame ran in each).
    pub gas: Option<GasStats>,
    /// Calls whose gas was not metered (left out of `gas`).
    #[serde(skip_serializing_if = "is_zero")]
    pub unmetered: usize,
    /// Ink of the calls that ran metered Stylus frames.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ink: Option<GasStats>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Every row, sorted by contract, function, then executor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct GasReport {
    /// The rows.
    pub rows: Vec<GasRow>,
}

impl GasReport {
    /// Aggregates the transaction steps of every scenario run (steps without a contract, such
    /// as plain transfers, are left out).
    pub fn of(report: &RunReport) -> Self {
        type Key = (String, String, u8, String);
        let mut groups: BTreeMap<Key, (usize, Vec<u64>, Vec<u64>, usize)> = BTreeMap::new();
        for scenario in &report.scenarios {
            for step in &scenario.steps {
                let (Some(contract), Some(function), Some(gas)) = (&step.contract, &step.function, step.gas_used)
                else {
                    continue;
                };
                let key =
                    (contract.to_string(), function.to_string(), rank(&scenario.executor), scenario.executor.clone());
                let entry = groups.entry(key).or_default();
                entry.0 += 1;
                if step.unmetered {
                    entry.3 += 1;
                } else {
                    entry.1.push(gas);
                }
                if let Some(ink) = step.ink_used {
                    entry.2.push(ink);
                }
            }
        }
        let rows = groups
            .into_iter()
            .map(|((contract, function, _, executor), (calls, mut gas, mut ink, unmetered))| GasRow {
                contract,
                function,
                executor,
                calls,
                gas: GasStats::of(&mut gas),
                unmetered,
                ink: GasStats::of(&mut ink),
            })
            .collect();
        Self { rows }
    }

    /// A table per contract, columns aligned; ink columns only for contracts with metered ink.
    pub fn render_human(&self) -> String {
        let mut out = String::from("\ngas report\n");
        if self.rows.is_empty() {
            out.push_str("  (no transactions)\n");
            return out;
        }
        let mut start = 0;
        while start < self.rows.len() {
            let contract = &self.rows[start].contract;
            let end = start + self.rows[start..].iter().take_while(|r| &r.contract == contract).count();
            let rows = &self.rows[start..end];
            let _ = writeln!(out, "\n  {contract}");
            table(&mut out, rows, rows.iter().any(|r| r.ink.is_some()));
            start = end;
        }
        out
    }
}

/// One contract's rows, text left-aligned and numbers right-aligned.
fn table(out: &mut String, rows: &[GasRow], with_ink: bool) {
    let mut header = vec!["function", "executor", "calls", "min", "mean", "median", "max"];
    if with_ink {
        header.extend(["ink min", "ink mean", "ink median", "ink max"]);
    }
    let stats = |s: &Option<GasStats>, none: &str| match s {
        Some(s) => [s.min, s.mean, s.median, s.max].map(|v| v.to_string()).to_vec(),
        None => vec![none.to_string(), String::new(), String::new(), String::new()],
    };
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let calls = if row.unmetered > 0 {
                format!("{} ({} unmetered)", row.calls, row.unmetered)
            } else {
                row.calls.to_string()
            };
            let mut line = vec![row.function.clone(), row.executor.clone(), calls];
            line.extend(stats(&row.gas, "not metered"));
            if with_ink {
                line.extend(stats(&row.ink, "-"));
            }
            line
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for line in &cells {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let render = |line: &[&str]| {
        let mut text = String::from("    ");
        for (i, (cell, w)) in line.iter().zip(&widths).enumerate() {
            let _ = if i < 2 { write!(text, "{cell:<w$}  ") } else { write!(text, "{cell:>w$}  ") };
        }
        text.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", render(&header));
    for line in &cells {
        let _ = writeln!(out, "{}", render(&line.iter().map(String::as_str).collect::<Vec<_>>()));
    }
}

#[cfg(test)]
mod tests {
    use super::GasStats;

    #[test]
    fn stats_round_down_and_take_the_middle() {
        assert_eq!(GasStats::of(&mut []), None);
        assert_eq!(GasStats::of(&mut [5]), Some(GasStats { min: 5, mean: 5, median: 5, max: 5 }));
        assert_eq!(GasStats::of(&mut [9, 1, 4]), Some(GasStats { min: 1, mean: 4, median: 4, max: 9 }));
        assert_eq!(GasStats::of(&mut [4, 1, 2, 9]), Some(GasStats { min: 1, mean: 4, median: 3, max: 9 }));
        assert_eq!(GasStats::of(&mut [u64::MAX, u64::MAX]).unwrap().mean, u64::MAX);
    }
}
