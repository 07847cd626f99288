//! Matching: pure functions from needs and candidates to proposals. No I/O; deterministic.
//!
//! - [`shelters`]: a destination per hazard type, welfare places to the highest priority first.
//! - [`supporters`]: which supporters to propose for which registrants — an exact b-matching
//!   (min-cost flow) that covers as many needed places as possible, higher priority tiers first,
//!   then walks the least total distance.
//! - [`teams`]: the day's volunteer teams from checked-in volunteers and open help requests, a
//!   deterministic greedy proposal that staff adjust.

pub mod shelters;
pub mod supporters;
pub mod teams;

pub use supporters::{
    Assignment, Candidates, Caps, Fixed, NEAREST, Need, Offer, Problem, Solution, SolveStats,
    Unmatched, solve, solve_stats,
};

/// Maps `f` over `items` on every core, keeping the order of `items` in the result.
///
/// ```
/// let squares = sasaeai::matching::par_flat_map(&[1, 2, 3, 4, 5], |x| vec![x * x]);
/// assert_eq!(squares, vec![1, 4, 9, 16, 25]);
/// ```
pub fn par_flat_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> Vec<R> + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, items.len().max(1));
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().flat_map(&f).collect::<Vec<R>>()))
            .collect();
        // A panic in a worker is a bug: pass it on rather than lose that part of the result.
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}
