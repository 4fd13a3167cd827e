//! JSON output: the report model serialized with a schema version.

use serde::Serialize;

use super::{RunReport, ScenarioReport, Summary};

/// Version of the JSON report's shape; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport<'a> {
    schema_version: u32,
    summary: Summary,
    scenarios: &'a [ScenarioReport],
}

/// Renders the report as pretty JSON.
pub fn render_json(report: &RunReport) -> String {
    let doc = JsonReport { schema_version: SCHEMA_VERSION, summary: report.summary(), scenarios: &report.scenarios };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
