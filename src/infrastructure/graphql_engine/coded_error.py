"""CodedError: what resolvers raise to answer with a GraphQL error and its code."""

from collections.abc import Mapping
from typing import Any

from tartiflette import TartifletteError


class CodedError(TartifletteError):
    """An expected outcome told to the client as is (message, `extensions.code` and the rest
    of `extensions`).

    It subclasses tartiflette's error so tartiflette keeps it (with its path and locations)
    instead of wrapping it; anything else a resolver raises becomes an INTERNAL_ERROR.
    """

    def __init__(
        self, message: str, code: str, extensions: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message, extensions={"code": str(code), **(extensions or {})})
        self.code = str(code)
