"""CodedGraphQLError: what resolvers raise to answer with a GraphQL error and its code."""

from collections.abc import Mapping, Sequence
from typing import Any

from tartiflette import TartifletteError

from interface_adapter.graphql.error_codes import ErrorCode


class CodedGraphQLError(TartifletteError):
    """An expected outcome told to the client as is (message and `extensions`).

    It subclasses tartiflette's error so tartiflette keeps it (with its path and locations)
    instead of wrapping it; anything else a resolver raises becomes an INTERNAL_ERROR.
    """

    def __init__(
        self, message: str, code: ErrorCode, extensions: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message, extensions={"code": code.value, **(extensions or {})})
        self.code = code


def validation_error(messages: Sequence[str]) -> CodedGraphQLError:
    """VALIDATION_ERROR: `extensions.errors` lists every message, `message` joins them."""
    return CodedGraphQLError(
        ", ".join(messages), ErrorCode.VALIDATION_ERROR, {"errors": list(messages)}
    )
