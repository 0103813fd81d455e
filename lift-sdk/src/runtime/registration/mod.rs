//! Registration with the registry (and the observability service) for the whole life of the module.
