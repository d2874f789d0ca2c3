"""Unit tests of the GraphQL engine: its repairs, guards, limits and accelerators."""
