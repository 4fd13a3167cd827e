//! Runs one scenario file through the library's suite runner (`--jobs 1` unless told) a number
//! of times, for profiling the whole path a benchmark times. Usage: `suite_loop FILE [ROUNDS [JOBS [plain|in-turn|beside]]]`.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: suite_loop FILE.scen.json [ROUNDS [JOBS [plain|in-turn|beside]]]");
        std::process::exit(2);
    };
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
    let jobs: usize = args.next().and_then(|j| j.parse().ok()).unwrap_or(1);
    let mut options = diorama::suite::RunOptions { jobs, ..Default::default() };
    // `plain`: every file loaded whole before it runs; `in-turn`/`beside`: every file run as it
    // loads, on one thread or with a second.
    match args.next().as_deref() {
        Some("plain") => options.overlap.from_bytes = None,
        Some("in-turn") => options.overlap = diorama::overlap::Overlap::every_file(false),
        Some("beside") => options.overlap = diorama::overlap::Overlap::every_file(true),
        _ => {}
    }
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let start = std::time::Instant::now();
        let report = diorama::suite::run_paths(&[path.clone().into()], &options).expect("runs");
        best = best.min(start.elapsed().as_secs_f64());
        assert_eq!(report.exit_code(), 0);
    }
    println!("best of {rounds}: {:.2} ms", best * 1e3);
}
