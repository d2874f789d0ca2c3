"""The local stack's tooling (emulators, launchers, probes) for scripts and tests; never shipped."""
