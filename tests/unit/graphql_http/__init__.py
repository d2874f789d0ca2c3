"""Unit tests of GraphQL over HTTP: request parsing, limits, the playground page."""
