//! Human output: one line per scenario, then every failure with file, step, field, expected
//! and actual, and a colored line diff for structured values.

use std::fmt::Write;

use colored::Colorize;
use similar::{ChangeTag, TextDiff};

use super::{Mismatch, RunReport, ScenarioOutcome, ScenarioReport};

/// Renders the report for a terminal. `verbose` also lists passing scenarios' steps.
pub fn render_human(report: &RunReport, verbose: bool) -> String {
    let mut out = String::new();
    for scenario in &report.scenarios {
        render_scenario(&mut out, scenario, verbose);
    }
    if let Some(gas) = &report.gas_report {
        out.push_str(&gas.render_human());
    }
    if let Some(partition) = &report.partition {
        let _ = writeln!(out, "\n{partition}");
    }
    let s = report.summary();
    let mut line = format!("{} passed, {} failed, {} skipped", s.passed, s.failed + s.errors, s.skipped);
    if s.crashed > 0 {
        line.push_str(&format!(", {} crashed", s.crashed));
    }
    if s.timed_out > 0 {
        line.push_str(&format!(", {} timed out", s.timed_out));
    }
    let bad = s.failed + s.errors + s.crashed + s.timed_out;
    let line = if bad > 0 { line.red().bold() } else { line.green().bold() };
    let _ = writeln!(out, "\n{line}");
    out
}

/// Functions listed under a profiled scenario.
const PROFILE_TOP: usize = 10;

/// One scenario's block: its result line and every failure (JUnit quotes it too).
pub(super) fn render_scenario(out: &mut String, scenario: &ScenarioReport, verbose: bool) {
    let tag = match &scenario.outcome {
        ScenarioOutcome::Passed => "PASS".green().bold(),
        ScenarioOutcome::Failed => "FAIL".red().bold(),
        ScenarioOutcome::Skipped(_) => "SKIP".yellow().bold(),
        ScenarioOutcome::Error(_) => "ERROR".red().bold(),
        ScenarioOutcome::Crashed(_) => "CRASH".red().bold(),
        ScenarioOutcome::Timeout(_) => "TIMEOUT".red().bold(),
    };
    let _ = writeln!(
        out,
        "{tag} {} [{}] ({} steps, {} gas)",
        scenario.file.display(),
        scenario.executor,
        scenario.steps.len(),
        scenario.gas_used
    );
    match &scenario.outcome {
        ScenarioOutcome::Skipped(reason) => {
            let _ = writeln!(out, "     {}", reason.dimmed());
        }
        ScenarioOutcome::Error(message) => {
            let _ = writeln!(out, "     {message}");
        }
        ScenarioOutcome::Crashed(message) | ScenarioOutcome::Timeout(message) => {
            let _ = writeln!(out, "     {}", indent(message, 5).trim_start());
        }
        _ => {}
    }
    // A divergence concerns both runs; it is shown once, under the second.
    if let Some(divergence) = scenario.divergence.as_ref().filter(|d| d.executors[1] == scenario.executor) {
        let _ = writeln!(out, "     {} {}", "parity:".red().bold(), indent(&divergence.to_string(), 5).trim_start());
    }
    for step in &scenario.steps {
        if let Some(output) = &step.output {
            let _ = writeln!(out, "     step {} {} output:\n{}", step.label(), step.kind, indent(output, 7));
        }
        if step.mismatches.is_empty() {
            if verbose || step.trace.is_some() {
                let mut line = format!("     ok   step {} {}", step.label(), step.kind);
                if let Some(status) = &step.status {
                    line.push_str(&format!(" {status}"));
                }
                if let Some(gas) = step.gas_used {
                    line.push_str(&format!(", gas {gas}"));
                }
                if let Some(ink) = step.ink_used {
                    line.push_str(&format!(", ink {ink}"));
                }
                let _ = writeln!(out, "{line}");
                if let Some(detail) = &step.detail {
                    let _ = writeln!(out, "{}", indent(detail, 10).dimmed());
                }
                if let Some(trace) = &step.trace {
                    let _ = write!(out, "{}", super::render_tree(trace, 10));
                }
            }
            for note in &step.notes {
                let _ = writeln!(out, "     note: step {} at {}: {}", step.label(), step.location, note.yellow());
            }
            continue;
        }
        let _ = writeln!(out, "     {} step {} ({}) at {}", "failed".red(), step.label(), step.kind, step.location);
        if let Some(status) = &step.status {
            let ink = step.ink_used.map(|i| format!(", ink {i}")).unwrap_or_default();
            let _ = writeln!(out, "       status {status}, gas used {}{ink}", step.gas_used.unwrap_or(0));
        }
        for m in &step.mismatches {
            render_mismatch(out, m);
        }
        if let Some(detail) = step.detail.as_ref().filter(|_| verbose || !mentions_detail(step)) {
            let _ = writeln!(out, "       detail: {}", indent(detail, 15).trim_start());
        }
        for note in &step.notes {
            let _ = writeln!(out, "       note: {note}");
        }
        if let Some(trace) = &step.trace {
            let _ = writeln!(out, "       call tree:");
            let _ = write!(out, "{}", super::render_tree(trace, 9));
        } else if step.status.is_some() {
            let _ = writeln!(out, "       {}", "(run with --trace for the call tree)".dimmed());
        }
    }
    if let Some(profile) = &scenario.profile {
        let _ = writeln!(out, "     ink profile ({} ink), costliest functions:", profile.total_ink);
        let _ = writeln!(out, "{}", indent(&profile.table(PROFILE_TOP), 7));
    }
    if !scenario.not_run.is_empty() {
        let list = scenario.not_run.join(", ");
        let _ = writeln!(out, "     {} (after the first failure; --keep-going runs them): {list}", "not run".yellow());
    }
}

/// Whether the status mismatch already quotes the step's detail (it does for halts).
fn mentions_detail(step: &super::StepReport) -> bool {
    let first_line = step.detail.as_deref().and_then(|d| d.lines().next()).unwrap_or_default();
    step.mismatches.iter().any(|m| m.field == "status" && m.actual.contains(first_line))
}

fn render_mismatch(out: &mut String, m: &Mismatch) {
    if !m.structured {
        let _ = writeln!(out, "       {}: expected {}, got {}", m.field.bold(), m.expected.green(), m.actual.red());
        if let Some(raw) = &m.raw {
            let _ = writeln!(out, "         raw: {}", raw.dimmed());
        }
        return;
    }
    let _ = writeln!(out, "       {}: ({} expected, {} actual)", m.field.bold(), "-".green(), "+".red());
    let diff = TextDiff::from_lines(m.expected.as_str(), m.actual.as_str());
    for change in diff.iter_all_changes() {
        let line = change.value().trim_end_matches('\n');
        let text = match change.tag() {
            ChangeTag::Delete => format!("- {line}").green().to_string(),
            ChangeTag::Insert => format!("+ {line}").red().to_string(),
            ChangeTag::Equal => format!("  {line}").dimmed().to_string(),
        };
        let _ = writeln!(out, "         {text}");
    }
}

fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    text.lines().map(|l| format!("{pad}{l}")).collect::<Vec<_>>().join("\n")
}
