//! JUnit XML output, one test case per scenario run, for CI dashboards.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{RunReport, ScenarioOutcome};

/// Renders the report as JUnit XML.
pub fn render_junit(report: &RunReport) -> String {
    let mut suite = TestSuite::new("diorama");
    for scenario in &report.scenarios {
        let status = match &scenario.outcome {
            ScenarioOutcome::Passed => TestCaseStatus::success(),
            ScenarioOutcome::Skipped(reason) => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(reason.as_str());
                s
            }
            ScenarioOutcome::Failed => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                let mut text: Vec<String> = scenario
                    .failures()
                    .flat_map(|step| {
                        step.mismatches.iter().map(move |m| {
                            format!("step {} {}: expected {}, got {}", step.label(), m.field, m.expected, m.actual)
                        })
                    })
                    .collect();
                if let Some(divergence) = &scenario.divergence {
                    text.push(format!("parity: {divergence}"));
                }
                s.set_message(text.first().cloned().unwrap_or_default());
                s.set_description(text.join("\n"));
                s
            }
            ScenarioOutcome::Error(message) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                s.set_message(message.as_str());
                s
            }
            ScenarioOutcome::Crashed(message) | ScenarioOutcome::Timeout(message) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                let kind = if matches!(scenario.outcome, ScenarioOutcome::Crashed(_)) { "crashed" } else { "timeout" };
                s.set_type(kind);
                s.set_message(message.lines().next().unwrap_or_default());
                s.set_description(message.as_str());
                s
            }
        };
        let mut case = TestCase::new(format!("{} [{}]", scenario.name, scenario.executor), status);
        case.set_classname(scenario.file.display().to_string());
        // Expectations that could not be checked (e.g. ink on the debugger) stay visible.
        let notes: Vec<String> = scenario
            .steps
            .iter()
            .flat_map(|s| s.notes.iter().map(move |n| format!("step {}: {n}", s.label())))
            .collect();
        if !notes.is_empty() {
            case.set_system_out(notes.join("\n"));
        }
        suite.add_test_case(case);
    }
    let mut junit = Report::new("diorama");
    junit.add_test_suite(suite);
    junit.to_string().unwrap_or_else(|e| format!("<!-- junit serialization failed: {e} -->\n"))
}
