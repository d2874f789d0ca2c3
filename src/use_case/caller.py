"""Caller: who asks for a use case, an input of every one of them (never read from a global)."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Caller:
    """The caller's subject (None: no identity, authentication is off) and whether it is an
    administrator, who may see and change every account."""

    subject: str | None
    admin: bool

    @staticmethod
    def admin_without_identity() -> "Caller":
        """Every request when authentication is off (SPEC §8.2): an admin who owns nothing."""
        return Caller(subject=None, admin=True)
