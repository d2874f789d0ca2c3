"""Unit tests of the shared GraphQL-over-HTTP layer."""
