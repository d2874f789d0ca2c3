"""settle: take the providers built on an async resource out of async mode once it exists.

dependency-injector resolves everything built on an async resource (the DynamoDB client, the
PostgreSQL pool) in async mode: each request's use case came as a future, gathered in a task of
its own, about a tenth of a request's CPU. Once the resource exists nothing needs awaiting.
Overrides (tests, in-memory mode) still apply: the providers stay what they are, factories too.
"""

import inspect
from collections.abc import Sequence
from typing import Any

from dependency_injector import providers


async def settle(
    built_on_resource: "providers.Provider[Any]",
    providers_to_settle: "Sequence[providers.Provider[Any]]",
) -> None:
    """Resolve `built_on_resource` (creating the resource), then let `providers_to_settle`
    answer plain objects. Leave the resource's own provider out: its shutdown must stay
    awaitable."""
    created = built_on_resource()
    if inspect.isawaitable(created):
        await created
    for provider in providers_to_settle:
        provider.disable_async_mode()
