//! Runs the ERC-20 workload of the overhead benchmark a number of times, through the library
//! (`lib`: the scenario file, `--jobs 1`) or as the bare revm loop (`bare`), for counting the
//! instructions of each (`ci/bench-instructions`). Usage: `erc20_workload lib|bare ROUNDS`.

#[path = "../benches/erc20/mod.rs"]
mod erc20;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let (side, rounds) = (args.next(), args.next().and_then(|r| r.parse::<usize>().ok()));
    let (Some(side), Some(rounds)) = (side, rounds) else {
        eprintln!("usage: erc20_workload lib|bare ROUNDS");
        std::process::exit(2);
    };
    match side.as_str() {
        "bare" => (0..rounds).for_each(|_| {
            erc20::bare_revm();
        }),
        "lib" => {
            let dir = std::env::temp_dir().join(format!("diorama-erc20-workload-{}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("temporary folder");
            let path = erc20::write_scenario(&dir);
            let options = diorama::suite::RunOptions { jobs: 1, ..Default::default() };
            for _ in 0..rounds {
                let report = diorama::suite::run_paths(std::slice::from_ref(&path), &options).expect("runs");
                assert_eq!(report.exit_code(), 0);
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
        other => {
            eprintln!("erc20_workload: `{other}` is neither `lib` nor `bare`");
            std::process::exit(2);
        }
    }
}
