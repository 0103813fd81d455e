//! The HTTP surface of a module: FastAPI-shaped errors, request limits, `//` tolerance, and the per-request context and span.
