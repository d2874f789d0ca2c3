"""Composition roots: the command and query APIs, the read-model updater, operator commands."""
