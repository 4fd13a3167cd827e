//! A representative subset of GeneralStateTests passes through the world mock.

mod common;

use statetest::{StatetestOptions, run};

const FOLDERS: &[&str] = &[
    "stExample",
    "stSStoreTest",
    "stCreate2",
    "stLogTests",
    "stPreCompiledContracts",
    "stEIP1559",
    "stEIP2930",
    "stSelfBalance",
    "stTransactionTest",
    "VMTests/vmArithmeticTest",
    "Cancun/stEIP1153-transientStorage",
    "Cancun/stEIP4844-blobtransactions",
    "Pyspecs/cancun/eip6780_selfdestruct",
];

#[test]
fn subset_passes() {
    let dir = common::data_dir();
    let paths: Vec<_> = FOLDERS.iter().map(|f| dir.join(f)).collect();
    let opts = StatetestOptions { keep_going: true, ..StatetestOptions::default() };
    let report = run(&paths, &opts).expect("state tests are readable");
    let text = report.render_human(false);
    assert_eq!(report.failed(), 0, "{text}");
    assert!(report.passed() > 1000, "only {} cases passed:\n{text}", report.passed());
    assert!(text.trim_end().ends_with(&format!("{} passed, 0 failed, {} skipped", report.passed(), report.skipped())));
}
