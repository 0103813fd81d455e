//! Identity for Lift OS Core: JWT claims, roles, permissions, token verification and issuing,
//! the axum auth layer and the auth-service client.
//!
//! This crate is being built; see the repository's issue tracker.
