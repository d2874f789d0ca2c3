"""TokenVerifier: what turns a bearer token into a Principal, or refuses it with a short reason."""

from typing import Protocol

from infrastructure.auth.principal import Principal


class TokenRejectedError(Exception):
    """A token was refused; `reason` says which check failed, for the log only (never the
    client, never the token itself)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TokenVerifier(Protocol):
    async def verify(self, token: str) -> Principal:
        """The token's Principal; raises TokenRejectedError when any check fails."""
        ...
