//! Liveness, readiness (with checks) and `/metrics`.
