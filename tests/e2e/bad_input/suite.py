"""Hypothesis settings shared by the suite's property tests, and how values reach the server."""

from hypothesis import HealthCheck, settings

# The function-scoped fixtures only choose the stores: examples of one test share them on
# purpose, each comparing the stores before and after its own input.
SUITE = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# A value travels in `variables` (JSON), or in the document as a GraphQL literal with its
# non-ASCII characters raw or as `\uXXXX` escapes.
TRANSPORTS = ("variables", "literal", "escaped literal")
