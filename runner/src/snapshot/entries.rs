//! Snapshot lines from a run: one per transaction step of each scenario run, named by the step's
//! `id`. A step without an id gets a name that survives unrelated edits: its type, the called
//! function's name and its rank among such steps (`deploy#1`, `call:transfer#2`,
//! `call:0xa9059cbb#1`); a name used twice in one scenario (an included file's ids) gets `#2`,
//! `#3`… after the first.

use std::collections::HashMap;
use std::path::Path;

use super::file::{Entry, Figure, Key};
use crate::partition::relative_to;
use crate::report::{ScenarioReport, StepReport};

/// The stable names of a scenario run's transaction steps, in step order.
pub fn step_names(steps: &[StepReport]) -> Vec<(usize, String)> {
    let mut ranks: HashMap<String, usize> = HashMap::new();
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut names = Vec::new();
    for step in steps.iter().filter(|s| s.status.is_some()) {
        let name = match &step.id {
            Some(id) => id.clone(),
            None => {
                let base = match step.function.as_deref() {
                    Some(f) if !f.starts_with('(') => format!("{}:{}", step.kind, f.split('(').next().unwrap_or(f)),
                    _ => step.kind.to_string(),
                };
                let n = ranks.entry(base.clone()).or_default();
                *n += 1;
                format!("{base}#{n}")
            }
        };
        let seen = used.entry(name.clone()).or_default();
        *seen += 1;
        names.push((step.index, if *seen == 1 { name } else { format!("{name}#{seen}") }));
    }
    names
}

/// The lines of one scenario run with their step indexes, keyed by its file relative to `folder`.
pub(super) fn entries_of(run: &ScenarioReport, folder: &Path) -> Vec<(usize, Entry)> {
    let file = relative_to(&run.file, folder);
    let by_index: HashMap<usize, &StepReport> = run.steps.iter().map(|s| (s.index, s)).collect();
    step_names(&run.steps)
        .into_iter()
        .filter_map(|(index, step)| {
            let report = by_index.get(&index)?;
            let gas = if report.unmetered { Figure::Unmetered } else { Figure::Metered(report.gas_used.unwrap_or(0)) };
            let ink = match (report.ink_used, report.unmetered) {
                (Some(ink), _) => Some(Figure::Metered(ink)),
                (None, true) => Some(Figure::Unmetered),
                (None, false) => None,
            };
            let key = Key { file: file.clone(), step, executor: run.executor.clone() };
            Some((index, Entry { key, status: report.status.as_deref().unwrap_or_default().to_owned(), gas, ink }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::step_names;
    use crate::report::StepReport;

    fn step(index: usize, kind: &'static str, id: Option<&str>, function: Option<&str>) -> StepReport {
        StepReport {
            index,
            kind,
            id: id.map(str::to_string),
            function: function.map(Into::into),
            status: Some("success".into()),
            ..StepReport::default()
        }
    }

    #[test]
    fn steps_without_id_are_named_by_kind_function_and_rank() {
        let steps = [
            StepReport { index: 0, kind: "setState", ..StepReport::default() },
            step(1, "deploy", None, Some("(deploy)")),
            step(2, "call", None, Some("transfer(address,uint256)")),
            step(3, "call", Some("mint"), Some("mint(uint256)")),
            step(4, "call", None, Some("transfer(address,uint256)")),
            step(5, "call", None, Some("0xa9059cbb")),
            step(6, "query", None, Some("balanceOf(address)")),
            step(7, "call", Some("mint"), Some("mint(uint256)")),
        ];
        let names: Vec<String> = step_names(&steps).into_iter().map(|(_, n)| n).collect();
        assert_eq!(
            names,
            [
                "deploy#1",
                "call:transfer#1",
                "mint",
                "call:transfer#2",
                "call:0xa9059cbb#1",
                "query:balanceOf#1",
                "mint#2"
            ]
        );
    }
}
