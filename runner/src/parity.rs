//! Parity: the same scenario on `wasmer` and `debugger` must behave the same. Each transaction
//! step records what it did ([`Observation`]: status, return or revert data, logs, storage
//! writes, created address — gas and ink are left out, the debugger does not meter); the two
//! runs are compared step by step and the first difference is reported ([`Divergence`]).

use alloy_primitives::{Address, Bytes, Log, U256};
use scenario_format::{Hint, reconstruct};
use serde::Serialize;
use world_mock::TxOutcome;

use crate::report::{ScenarioReport, StepReport};

/// What a transaction step did, in the terms parity compares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    status: String,
    output: Bytes,
    logs: Vec<Log>,
    /// Storage writes by account, both sorted (as the diff's maps iterate). A `Vec` rather than
    /// nested `BTreeMap`s: every step of a run keeps one, and a map node of `U256` pairs takes
    /// ~700 bytes for a couple of slots.
    storage: Vec<(Address, Vec<(U256, U256)>)>,
    created: Option<Address>,
}

impl Observation {
    /// The observation of a transaction's outcome.
    pub fn of(outcome: &TxOutcome) -> Self {
        let storage = outcome
            .diff
            .accounts
            .iter()
            .filter(|(_, diff)| !diff.storage.is_empty())
            .map(|(address, diff)| (*address, diff.storage.iter().map(|(k, c)| (*k, c.after)).collect()))
            .collect();
        Self {
            status: outcome.status.to_string(),
            output: outcome.output.clone(),
            logs: outcome.logs.clone(),
            storage,
            created: outcome.created,
        }
    }

    /// The first field that differs from `other`, with both values rendered.
    fn first_difference(&self, other: &Self) -> Option<(&'static str, String, String)> {
        if self.status != other.status {
            return Some(("status", self.status.clone(), other.status.clone()));
        }
        if self.output != other.output {
            return Some(("output", show_bytes(&self.output), show_bytes(&other.output)));
        }
        if self.logs != other.logs {
            return Some(("logs", show_logs(&self.logs), show_logs(&other.logs)));
        }
        if self.storage != other.storage {
            return Some(("storage writes", show_storage(&self.storage), show_storage(&other.storage)));
        }
        if self.created != other.created {
            let show = |a: &Option<Address>| a.map_or("none".to_string(), |a| reconstruct(a.as_slice(), Hint::Address));
            return Some(("created address", show(&self.created), show(&other.created)));
        }
        None
    }
}

/// The first step where two executors' runs of one scenario differ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Divergence {
    /// The step (`"id" (#index)` or `#index`).
    pub step: String,
    /// Where it is written (`file:line:column`).
    pub location: String,
    /// What differs: `status`, `output`, `logs`, `storage writes`, `created address`, `steps`.
    pub field: String,
    /// The executors compared, in order.
    pub executors: [String; 2],
    /// The field's value on each of them.
    pub values: [String; 2],
}

impl std::fmt::Display for Divergence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "first divergence at step {} at {}: {}", self.step, self.location, self.field)?;
        let width = self.executors.iter().map(String::len).max().unwrap_or(0) + 2;
        for (executor, value) in self.executors.iter().zip(&self.values) {
            let label = format!("[{executor}]");
            write!(f, "\n  {label:<width$} {}", value.replace('\n', &format!("\n   {:width$}", "")))?;
        }
        Ok(())
    }
}

/// Compares two runs of one scenario, step by step.
pub fn compare(a: &ScenarioReport, b: &ScenarioReport) -> Option<Divergence> {
    let divergence = |step: &StepReport, field: &str, values: [String; 2]| Divergence {
        step: step.label(),
        location: step.location.to_string(),
        field: field.to_string(),
        executors: [a.executor.clone(), b.executor.clone()],
        values,
    };
    for (x, y) in a.steps.iter().zip(&b.steps) {
        if let (Some(ox), Some(oy)) = (&x.observed, &y.observed)
            && let Some((field, vx, vy)) = ox.first_difference(oy)
        {
            return Some(divergence(x, field, [vx, vy]));
        }
    }
    // A run that stopped at a failed expectation ran fewer steps: not a difference in behaviour.
    let stopped = |r: &ScenarioReport| !r.not_run.is_empty();
    if a.steps.len() != b.steps.len() && !stopped(a) && !stopped(b) {
        let shorter = if a.steps.len() < b.steps.len() { &b.steps[a.steps.len()] } else { &a.steps[b.steps.len()] };
        let ran = |r: &ScenarioReport| format!("{} steps ran ({})", r.steps.len(), outcome_word(r));
        return Some(divergence(shorter, "steps", [ran(a), ran(b)]));
    }
    None
}

fn outcome_word(report: &ScenarioReport) -> &'static str {
    match report.outcome {
        crate::report::ScenarioOutcome::Error(_) => "stopped by an error",
        _ => "completed",
    }
}

fn show_bytes(data: &[u8]) -> String {
    match data.len() {
        0 => "empty".to_string(),
        32 => format!("u256:{}", U256::from_be_slice(data)),
        _ => reconstruct(data, Hint::Auto),
    }
}

fn show_logs(logs: &[Log]) -> String {
    if logs.is_empty() {
        return "no logs".to_string();
    }
    let lines: Vec<String> = logs
        .iter()
        .map(|log| {
            let topics: Vec<String> = log.topics().iter().map(|t| reconstruct(t.as_slice(), Hint::Word)).collect();
            let address = reconstruct(log.address.as_slice(), Hint::Address);
            format!("{address} topics [{}] data {}", topics.join(", "), show_bytes(&log.data.data))
        })
        .collect();
    lines.join("\n")
}

fn show_storage(storage: &[(Address, Vec<(U256, U256)>)]) -> String {
    if storage.is_empty() {
        return "no writes".to_string();
    }
    let mut lines = Vec::new();
    for (address, slots) in storage {
        let address = reconstruct(address.as_slice(), Hint::Address);
        for (key, value) in slots {
            let key = reconstruct(&key.to_be_bytes::<32>(), Hint::Word);
            let value = reconstruct(&value.to_be_bytes::<32>(), Hint::Word);
            lines.push(format!("{address} {key} = {value}"));
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{Address, Bytes, U256};

    use super::Observation;

    fn observation(storage: Vec<(Address, Vec<(U256, U256)>)>) -> Observation {
        Observation { status: "success".into(), output: Bytes::new(), logs: Vec::new(), storage, created: None }
    }

    /// Storage writes are compared and shown by account, then slot, in order.
    #[test]
    fn storage_writes_are_compared_and_shown_in_order() {
        let (a, b) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let slot = |k: u64, v: u64| (U256::from(k), U256::from(v));
        let x = observation(vec![(a, vec![slot(1, 5), slot(2, 6)]), (b, vec![slot(0, 7)])]);
        assert_eq!(x.first_difference(&x.clone()), None);
        let y = observation(vec![(a, vec![slot(1, 5), slot(2, 8)]), (b, vec![slot(0, 7)])]);
        let (field, shown_x, shown_y) = x.first_difference(&y).unwrap();
        assert_eq!(field, "storage writes");
        assert_eq!(shown_x.lines().count(), 3);
        assert!(
            shown_x
                .lines()
                .next()
                .unwrap()
                .starts_with(&scenario_format::reconstruct(a.as_slice(), scenario_format::Hint::Address))
        );
        assert_ne!(shown_x, shown_y);
        assert_eq!(observation(Vec::new()).first_difference(&x).map(|d| d.1), Some("no writes".to_string()));
    }

    /// A run that observes records each transaction's storage writes (the world keeps state
    /// diffs for it; a single run does not).
    #[test]
    fn an_observed_run_records_storage_writes() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/scenarios/erc20.scen.json");
        let scenario = scenario_format::load_scenario(&path).unwrap();
        let prepared = crate::prepare::prepare(scenario, &crate::artifacts::Artifacts::default()).unwrap();
        let writes = |observe| {
            let options = crate::execute::ExecOptions { observe, ..Default::default() };
            let report = crate::execute::run_scenario_on(&prepared, crate::execute::REVM, &[], &options);
            assert!(report.passed());
            let observed: Vec<_> = report.steps.iter().filter_map(|s| s.observed.as_ref()).collect();
            (observed.len(), observed.iter().map(|o| o.storage.len()).sum::<usize>())
        };
        let (observed, written) = writes(true);
        assert!(observed > 0 && written > 0, "{observed} observations, {written} accounts written");
        assert_eq!(writes(false), (0, 0));
    }
}
