//! A failed downstream call answered with `?`: the statuses `HttpError` chooses.
