"""Unit tests of the read-model adapters."""
