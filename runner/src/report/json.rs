//! JSON output: the report model serialized with a schema version.

use serde::Serialize;

use super::{GasReport, RunReport, ScenarioReport, Summary};
use crate::partition::PartitionInfo;

/// Version of the JSON report's shape; bumped on incompatible changes (fields are only added
/// within a version).
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport<'a> {
    schema_version: u32,
    summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    partition: Option<&'a PartitionInfo>,
    scenarios: &'a [ScenarioReport],
    #[serde(skip_serializing_if = "Option::is_none")]
    gas_report: Option<&'a GasReport>,
}

/// Renders the report as pretty JSON.
pub fn render_json(report: &RunReport) -> String {
    let doc = JsonReport {
        schema_version: SCHEMA_VERSION,
        summary: report.summary(),
        partition: report.partition.as_ref(),
        scenarios: &report.scenarios,
        gas_report: report.gas_report.as_ref(),
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
