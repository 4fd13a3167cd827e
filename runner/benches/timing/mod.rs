//! Timing shared by the benchmarks that report ratios.

use std::time::Duration;

/// The best time of each run over `rounds` rounds, the runs taken in turn within each round:
/// a ratio of two figures measured minutes apart says more about the machine's load than about
/// the code, and taken in turn both see the same machine.
pub(crate) fn best_of_each<const N: usize>(
    rounds: usize,
    mut runs: [&mut dyn FnMut() -> Duration; N],
) -> [Duration; N] {
    let mut best = [Duration::MAX; N];
    for _ in 0..rounds {
        for (best, run) in best.iter_mut().zip(runs.iter_mut()) {
            *best = (*best).min(run());
        }
    }
    best
}
