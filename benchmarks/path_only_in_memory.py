"""`python -m benchmarks.path_only_in_memory`: `apps.in_memory` whose createUserAccount use case
does nothing (scenario 1's third contender: what the HTTP and GraphQL path alone costs a create);
a benchmark-only stand-in (install_stand_in), never a setting."""

import sys
from collections.abc import Callable

from dependency_injector import providers
from returns.result import Result, Success

import apps.in_memory.__main__ as in_memory_main
from apps.command_api.container import CommandApiContainer
from apps.in_memory.stack import InMemoryStack
from apps.query_api.container import QueryApiContainer
from use_case.caller import Caller
from use_case.user_account.create_user_account import CreateUserAccount
from use_case.user_account.outcome import CommandAccepted, CommandRejected

# A valid account id, the same for every answer: nothing is made, nothing is stored.
ACCEPTED = CommandAccepted(id="01KBENCHPATH0NXY000000000A", version=1)


class AcceptEveryCreate:
    """The create use case's signature, none of its work: no validation, no event, no store."""

    async def __call__(
        self, caller: Caller, cmd: CreateUserAccount
    ) -> Result[CommandAccepted, CommandRejected]:
        return Success(ACCEPTED)


def install_stand_in(put: Callable[[object, str, object], None] = setattr) -> None:
    """Put the stand-in in when the app builds its in-memory stack, so that everything around
    the use case (the request middleware and its guards, the GraphQL path, the resolver and its
    wiring, the access line) is the product's. `put` replaces a module's name (a test passes its
    monkeypatch's); a name that moved fails the run rather than measuring the product twice."""
    if not hasattr(in_memory_main, "use_in_memory_stack"):
        raise SystemExit("benchmarks.path_only_in_memory: use_in_memory_stack is gone")
    build_stack: Callable[[CommandApiContainer, QueryApiContainer], InMemoryStack] = (
        in_memory_main.use_in_memory_stack
    )

    def use_stack_with_stand_in(
        command: CommandApiContainer, query: QueryApiContainer
    ) -> InMemoryStack:
        stack = build_stack(command, query)
        command.create_user_account.override(providers.Object(AcceptEveryCreate()))
        return stack

    put(in_memory_main, "use_in_memory_stack", use_stack_with_stand_in)


if __name__ == "__main__":
    install_stand_in()
    sys.exit(in_memory_main.main([]))
