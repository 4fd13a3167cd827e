//! Judging one case as revme does: any rejection satisfies `expectException`; otherwise the
//! output (when the test gives one), the logs hash and the state root must match.
//!
//! Stricter than revme in one way: when a rejection was expected, the (unchanged) state root and
//! the empty logs hash are compared too, so a rejection that left changes behind is caught.

use world_mock::TxStatus;
use world_mock::revm::primitives::hex;

use crate::case::{self, Executed};
use crate::fork::ForkPlan;
use crate::model::{PostCase, TestUnit};
use crate::report::{CaseOutcome, Mismatch};
use crate::roots::{logs_hash, state_root};

/// Runs one case under `plan` and judges it.
pub(crate) fn run_case(unit: &TestUnit, plan: ForkPlan, post: &PostCase) -> CaseOutcome {
    let spec = match plan {
        ForkPlan::Run(spec) => spec,
        ForkPlan::Skip(reason) => {
            return CaseOutcome::Skipped { reason: reason.to_string() };
        }
    };
    let env = match case::case_env(unit, spec, post.indexes) {
        Ok(env) => env,
        // revme: a transaction that cannot even be built satisfies an expected exception.
        Err(_) if post.expect_exception.is_some() => return CaseOutcome::Passed,
        Err(message) => return failed(vec![Mismatch::Invalid { message }]),
    };
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let executed = case::execute(unit, &env);
        judge(unit, post, &executed)
    }));
    run.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        failed(vec![Mismatch::Invalid { message: format!("execution panicked: {message}") }])
    })
}

fn failed(mismatches: Vec<Mismatch>) -> CaseOutcome {
    CaseOutcome::Failed { mismatches }
}

/// Compares an executed case with its expectations.
pub(crate) fn judge(unit: &TestUnit, post: &PostCase, executed: &Executed) -> CaseOutcome {
    let mismatches = mismatches(unit, post, executed);
    if mismatches.is_empty() { CaseOutcome::Passed } else { failed(mismatches) }
}

/// Everything that differs (empty when the case passes).
pub(crate) fn mismatches(unit: &TestUnit, post: &PostCase, executed: &Executed) -> Vec<Mismatch> {
    let mut found = Vec::new();
    let logs = match (&post.expect_exception, &executed.result) {
        (Some(expected), Ok(outcome)) => {
            let actual = format!("none (the transaction ran: {})", outcome.status);
            return vec![Mismatch::Exception { expected: Some(expected.clone()), actual: Some(actual) }];
        }
        (None, Err(rejected)) => {
            return vec![Mismatch::Exception { expected: None, actual: Some(rejected.0.clone()) }];
        }
        (Some(_), Err(_)) => logs_hash(&[]),
        (None, Ok(outcome)) => {
            if let Some(expected) = &unit.out
                && matches!(outcome.status, TxStatus::Success | TxStatus::Revert)
                && expected.0 != outcome.output
            {
                found.push(Mismatch::Output {
                    expected: hex::encode_prefixed(&expected.0),
                    actual: hex::encode_prefixed(&outcome.output),
                });
            }
            logs_hash(&outcome.logs)
        }
    };
    if logs != post.logs.0 {
        found.push(Mismatch::LogsHash { expected: post.logs.0, actual: logs });
    }
    let root = state_root(executed.world.state());
    if root != post.hash.0 {
        found.push(Mismatch::StateRoot { expected: post.hash.0, actual: root });
    }
    found
}
