//! Matching: pure functions from needs and candidates to proposals. No I/O; deterministic.
//!
//! - [`shelters`]: a destination per hazard type, welfare places to the highest priority first.
//! - [`supporters`]: which supporters to propose for which registrants — an exact b-matching
//!   (min-cost flow) that covers as many needed places as possible, higher priority tiers first,
//!   then walks the least total distance.

pub mod shelters;
pub mod supporters;

pub use supporters::{
    Assignment, Candidates, Caps, Fixed, NEAREST, Need, Offer, Problem, Solution, SolveStats,
    Unmatched, solve, solve_stats,
};
