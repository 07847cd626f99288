//! Matching: pure functions from needs and candidates to proposals. No I/O; deterministic.
