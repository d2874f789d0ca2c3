"""Unit tests of the generic HTTP layer."""
