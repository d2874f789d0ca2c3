"""Pure business rules: aggregates, value objects, events and domain errors, with no I/O."""
