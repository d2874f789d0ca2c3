"""The caller of a GraphQL operation, as the app puts it in the context every resolver gets."""

from collections.abc import Mapping

from use_case.caller import Caller

# The context's key of the Caller; the app's context factory sets it for every request.
CALLER = "caller"


def caller_of(ctx: Mapping[str, object]) -> Caller:
    """The Caller in `ctx`. None there is a bug of the app (never a guess: no caller, no access)."""
    caller = ctx[CALLER]
    if not isinstance(caller, Caller):
        raise TypeError(f"the GraphQL context holds no Caller under {CALLER!r}")
    return caller
