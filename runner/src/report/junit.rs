//! JUnit XML output, one test case per scenario × executor, for CI dashboards. The output
//! validates against the common JUnit XSD (Jenkins xunit `junit-10.xsd`, committed under
//! `fixtures/junit/` and checked by a test).

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{RunReport, ScenarioOutcome, ScenarioReport};

/// Renders the report as JUnit XML.
pub fn render_junit(report: &RunReport) -> String {
    let mut suite = TestSuite::new("diorama");
    if let Some(partition) = &report.partition {
        suite.add_property(("partition", partition.part().as_str()));
    }
    let mut total = Duration::ZERO;
    for scenario in &report.scenarios {
        total += scenario.wall_time;
        suite.add_test_case(test_case(scenario));
    }
    suite.set_time(total);
    let mut junit = Report::new("diorama");
    junit.add_test_suite(suite);
    match junit.to_string() {
        Ok(xml) => drop_root_skipped(xml),
        Err(e) => format!("<!-- junit serialization failed: {e} -->\n"),
    }
}

fn test_case(scenario: &ScenarioReport) -> TestCase {
    let status = match &scenario.outcome {
        ScenarioOutcome::Passed => TestCaseStatus::success(),
        ScenarioOutcome::Skipped(reason) => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(reason.as_str());
            s
        }
        ScenarioOutcome::Failed => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let mut first: Vec<String> = scenario
                .failures()
                .flat_map(|step| {
                    step.mismatches.iter().map(move |m| {
                        format!("step {} {}: expected {}, got {}", step.label(), m.field, m.expected, m.actual)
                    })
                })
                .take(1)
                .collect();
            if first.is_empty()
                && let Some(divergence) = &scenario.divergence
            {
                first.push(format!("parity: {divergence}"));
            }
            s.set_message(first.pop().unwrap_or_default());
            // The body is the human report's block for this run (colors are stripped by quick-junit).
            let mut body = human_block(scenario);
            if let Some(divergence) = scenario.divergence.as_ref().filter(|_| !body.contains("parity:")) {
                body.push_str(&format!("\nparity: {divergence}"));
            }
            s.set_description(body);
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
    case.set_time(scenario.wall_time);
    // Expectations that could not be checked (e.g. ink on the debugger) stay visible.
    let notes: Vec<String> =
        scenario.steps.iter().flat_map(|s| s.notes.iter().map(move |n| format!("step {}: {n}", s.label()))).collect();
    if !notes.is_empty() {
        case.set_system_out(notes.join("\n"));
    }
    case
}

/// The human output's lines for one run, without the leading result line.
fn human_block(scenario: &ScenarioReport) -> String {
    let mut text = String::new();
    super::human::render_scenario(&mut text, scenario, false);
    text.lines().skip(1).map(|l| l.strip_prefix("     ").unwrap_or(l)).collect::<Vec<_>>().join("\n")
}

/// quick-junit writes a `skipped` count on `<testsuites>`, which the common XSD does not declare
/// there (only on `<testsuite>`, where it stays); drop it so strict validators accept the file.
fn drop_root_skipped(xml: String) -> String {
    let Some(start) = xml.find("<testsuites") else {
        return xml;
    };
    let end = xml[start..].find('>').map_or(xml.len(), |e| start + e);
    let tag = &xml[start..end];
    let Some(at) = tag.find(" skipped=\"") else {
        return xml;
    };
    let value_end = tag[at + 10..].find('"').map_or(tag.len(), |e| at + 10 + e + 1);
    format!("{}{}{}", &xml[..start + at], &xml[start + value_end..end], &xml[end..])
}

#[cfg(test)]
mod tests {
    #[test]
    fn root_skipped_count_is_dropped_only_there() {
        let xml = "<?xml?>\n<testsuites name=\"d\" tests=\"2\" skipped=\"1\" failures=\"0\">\n<testsuite name=\"d\" skipped=\"1\"/>\n</testsuites>\n";
        assert_eq!(
            super::drop_root_skipped(xml.to_string()),
            "<?xml?>\n<testsuites name=\"d\" tests=\"2\" failures=\"0\">\n<testsuite name=\"d\" skipped=\"1\"/>\n</testsuites>\n"
        );
    }
}
