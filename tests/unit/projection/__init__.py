"""Unit tests of the read-model projection."""
