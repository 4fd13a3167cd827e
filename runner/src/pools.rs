//! Worker thread pools kept between runs. A process that runs suites again and again (a test
//! harness calling the library, a benchmark) reuses its large-stack threads, and the memory
//! their allocator already holds, instead of starting new ones for every run. A pool is lent to
//! one run at a time, so runs that overlap in time never share threads.

use std::ops::Deref;
use std::sync::{Mutex, PoisonError};

use rayon::ThreadPool;

use crate::suite::TX_STACK_SIZE;

/// Idle pools kept at most of each thread count: enough for a harness that runs a few suites
/// side by side.
const KEPT: usize = 4;

/// Idle pools, each with the thread count it was asked for (0: one per core).
static IDLE: Mutex<Vec<(usize, ThreadPool)>> = Mutex::new(Vec::new());

/// A pool of `threads` workers, lent until dropped.
pub(crate) struct Lease {
    threads: usize,
    pool: Option<ThreadPool>,
}

/// A pool of `threads` large-stack workers (0: one per core): an idle one if there is one.
pub(crate) fn lease(threads: usize) -> Result<Lease, rayon::ThreadPoolBuildError> {
    let idle = {
        let mut idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner);
        idle.iter().position(|(n, _)| *n == threads).map(|at| idle.swap_remove(at).1)
    };
    let pool = match idle {
        Some(pool) => pool,
        None => rayon::ThreadPoolBuilder::new().num_threads(threads).stack_size(TX_STACK_SIZE).build()?,
    };
    Ok(Lease { threads, pool: Some(pool) })
}

impl Deref for Lease {
    type Target = ThreadPool;
    fn deref(&self) -> &ThreadPool {
        self.pool.as_ref().expect("a lease holds its pool until dropped")
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let Some(pool) = self.pool.take() else { return };
        let mut idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.iter().filter(|(n, _)| *n == self.threads).count() < KEPT {
            idle.push((self.threads, pool));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::thread::ThreadId;

    use super::*;

    /// A thread count no other test asks for, so that their runs never take these pools.
    const THREADS: usize = 5;

    fn threads_of(pool: &ThreadPool) -> HashSet<ThreadId> {
        pool.broadcast(|_| std::thread::current().id()).into_iter().collect()
    }

    #[test]
    fn a_pool_is_lent_again_after_a_run_and_never_to_two_runs_at_once() {
        let first = lease(THREADS).unwrap();
        let first_threads = threads_of(&first);
        assert_eq!(first_threads.len(), THREADS);
        // Lent out: a run beside it gets threads of its own.
        let beside = lease(THREADS).unwrap();
        assert!(threads_of(&beside).is_disjoint(&first_threads));
        drop(beside);
        drop(first);
        // Both returned: the next two runs get those two pools' threads again.
        let (again, other) = (lease(THREADS).unwrap(), lease(THREADS).unwrap());
        let reused = [threads_of(&again), threads_of(&other)];
        assert!(reused.contains(&first_threads), "the first pool was not lent again");
    }

    #[test]
    fn at_most_a_few_idle_pools_are_kept_of_each_size() {
        let threads = THREADS + 1;
        let many: Vec<Lease> = (0..KEPT + 3).map(|_| lease(threads).unwrap()).collect();
        drop(many);
        let idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner);
        assert_eq!(idle.iter().filter(|(n, _)| *n == threads).count(), KEPT);
    }
}
