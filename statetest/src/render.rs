//! Human and JUnit renderings of a [`StatetestReport`].

use std::collections::BTreeMap;
use std::fmt::Write as _;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::report::{CaseOutcome, StatetestReport};

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl StatetestReport {
    /// Failures with what differed, skip reasons with counts, the first failure's diagnosis, and
    /// a last line `N passed, M failed, K skipped`. `color` adds ANSI colours.
    pub fn render_human(&self, color: bool) -> String {
        let paint = |code: &str, text: &str| {
            if color { format!("{code}{text}{RESET}") } else { text.to_string() }
        };
        let mut out = String::new();
        let mut skips: BTreeMap<&str, usize> = BTreeMap::new();
        for case in &self.cases {
            match &case.outcome {
                CaseOutcome::Passed => {}
                CaseOutcome::Failed { mismatches } => {
                    let _ = writeln!(out, "{} {}", paint(RED, "FAIL"), case.label());
                    for mismatch in mismatches {
                        let _ = writeln!(out, "     {mismatch}");
                    }
                }
                CaseOutcome::Skipped { reason } => *skips.entry(reason).or_default() += 1,
            }
        }
        for (reason, count) in &skips {
            let _ = writeln!(out, "{} {count} × {reason}", paint(YELLOW, "skipped"));
        }
        if let Some(diagnosis) = &self.diagnosis {
            let _ = writeln!(out, "\n{}\n{diagnosis}", paint(BOLD, "Diagnosis of the first failure:"));
        }
        if self.stopped_early {
            let _ = writeln!(out, "stopped at the first failing file (run with --keep-going to run every file)");
        }
        let _ = writeln!(out, "{} files in {:.2} s", self.files, self.wall_time.as_secs_f64());
        let (passed, failed, skipped) = (self.passed(), self.failed(), self.skipped());
        let summary = format!("{passed} passed, {failed} failed, {skipped} skipped");
        let _ = writeln!(out, "{}", paint(if failed == 0 { GREEN } else { RED }, &summary));
        out
    }

    /// A JUnit XML document: one test suite per file, one test case per (test, fork, indexes).
    pub fn render_junit(&self) -> String {
        let mut report = Report::new("diorama statetest");
        report.set_time(self.wall_time);
        let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
        for case in &self.cases {
            let name = match case.indexes {
                Some(i) => format!("{} [{} d={} g={} v={}]", case.test, case.fork, i.data, i.gas, i.value),
                None if case.test.is_empty() => "(whole file)".to_string(),
                None => format!("{} [{}]", case.test, case.fork),
            };
            let status = match &case.outcome {
                CaseOutcome::Passed => TestCaseStatus::success(),
                CaseOutcome::Failed { mismatches } => {
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    let text: Vec<String> = mismatches.iter().map(ToString::to_string).collect();
                    status.set_message(text.first().cloned().unwrap_or_default());
                    status.set_description(text.join("\n"));
                    status
                }
                CaseOutcome::Skipped { reason } => {
                    let mut status = TestCaseStatus::skipped();
                    status.set_message(reason.as_str());
                    status
                }
            };
            let mut test_case = TestCase::new(name, status);
            test_case.set_classname(case.file.as_str());
            suites.entry(&case.file).or_insert_with(|| TestSuite::new(case.file.as_str())).add_test_case(test_case);
        }
        report.add_test_suites(suites.into_values());
        report.to_string().unwrap_or_else(|e| format!("<!-- cannot serialize JUnit report: {e} -->\n"))
    }
}
