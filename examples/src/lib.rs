//! Examples for the Lift SDK for Rust; run them with `cargo run --example <name>`.
