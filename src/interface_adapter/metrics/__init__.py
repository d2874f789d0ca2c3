"""The use cases' observations as Prometheus metrics (SPEC §10.1)."""
