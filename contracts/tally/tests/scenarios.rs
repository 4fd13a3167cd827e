//! The contract's scenarios, on the metered WASM executor and natively, compared step by step.

#[test]
fn scenarios() {
    diorama::Suite::new().contract("tally", env!("CARGO_MANIFEST_DIR")).run("scenarios/").assert_passed();
}
