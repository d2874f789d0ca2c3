"""Composition roots, without I/O."""
