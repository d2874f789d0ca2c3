"""Unit tests of the read-model updater app."""
