//! SplitMix64, the one small seeded generator of the project: the demo town's population, the
//! randomised tests and the benchmarks all draw from it, so the same seed gives the same data on
//! every machine. Not for anything that must be unpredictable.

/// Advances `state` and returns the next 64 random bits.
///
/// ```
/// let mut state = 1;
/// let (a, b) = (sasaeai::rng::splitmix64(&mut state), sasaeai::rng::splitmix64(&mut state));
/// assert_ne!(a, b);
/// let mut again = 1;
/// assert_eq!(sasaeai::rng::splitmix64(&mut again), a);
/// ```
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let z = (*state ^ (*state >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in [0, 1) from 64 random bits.
pub fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1_u64 << 53) as f64
}
