//! Times the phases of one scenario file: load, prepare, execute (for profiling the runner).
//! Usage: `cargo run --release -p diorama-runner --example phases -- FILE`.

use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: phases FILE.scen.json");
        std::process::exit(2);
    };
    let path = std::path::PathBuf::from(path);
    // Best of five rounds: the first also pays for fresh memory pages.
    let mut best = [f64::MAX; 3];
    let mut steps = 0.0;
    for _ in 0..5 {
        let t = Instant::now();
        let text = std::fs::read_to_string(&path).expect("readable file");
        let scenario = scenario_format::load_scenario_str(&path, &text).expect("loads");
        let load = t.elapsed();
        let t = Instant::now();
        let prepared =
            diorama::prepare::prepare(scenario, &diorama::artifacts::Artifacts::default()).expect("prepares");
        let prepare = t.elapsed();
        let t = Instant::now();
        let report = diorama::execute::run_scenario(&prepared);
        let execute = t.elapsed();
        assert!(report.passed(), "{:?}", report.outcome);
        steps = prepared.steps.len() as f64;
        for (best, d) in best.iter_mut().zip([load, prepare, execute]) {
            *best = best.min(d.as_secs_f64());
        }
    }
    for (name, d) in ["load", "prepare", "execute+check"].into_iter().zip(best) {
        println!("{name:>14}: {:>8.1} ms  {:>6.2} us/step", d * 1e3, d * 1e6 / steps);
    }
}
