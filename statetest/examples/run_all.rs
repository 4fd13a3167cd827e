//! Runs state tests with the library and prints the human report: `run_all [PATHS…]`
//! (default: the shared GeneralStateTests folder). `STATETEST_FORMAT=json|junit` changes the
//! format; `STATETEST_JOBS=N` the thread count; `STATETEST_FILTER=SUBSTR` narrows the cases;
//! `STATETEST_SLOW=1` also runs the very slow tests revme skips.

use std::path::PathBuf;
use std::process::ExitCode;

use statetest::{StatetestOptions, run};

fn main() -> ExitCode {
    let mut paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        paths
            .push(PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/ethereum-tests/GeneralStateTests")));
    }
    let opts = StatetestOptions {
        jobs: std::env::var("STATETEST_JOBS").ok().and_then(|j| j.parse().ok()),
        filter: std::env::var("STATETEST_FILTER").ok(),
        keep_going: true,
        include_slow: std::env::var_os("STATETEST_SLOW").is_some(),
        ..StatetestOptions::default()
    };
    match run(&paths, &opts) {
        Ok(report) => {
            match std::env::var("STATETEST_FORMAT").as_deref() {
                Ok("json") => println!("{}", report.render_json()),
                Ok("junit") => println!("{}", report.render_junit()),
                _ => print!("{}", report.render_human(false)),
            }
            if report.failed() == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
