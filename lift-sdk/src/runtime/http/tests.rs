//! Tests of the HTTP surface on a real listener.
