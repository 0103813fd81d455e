//! Verification benchmarks (filled in below).

fn main() {}
