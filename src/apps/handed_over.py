"""handed_over: give a container a client or pool its app opened, as a plain object."""

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TypeVar

from dependency_injector import providers

T = TypeVar("T")


@asynccontextmanager
async def handed_over(
    opened: AbstractAsyncContextManager[T], to: "providers.Provider[T]"
) -> AsyncIterator[T]:
    """Enter `opened`; within the block `to` provides what it opened; exit closes it.

    dependency-injector resolves everything built on an async resource in async mode (every use case
    a future). So the apps open their connections themselves (aiohttp's cleanup context) and the
    container's field for each is a `providers.Dependency()`, overridden with the open object for as
    long as it is open: nothing resolves in async mode.
    """
    async with opened as resource:
        with to.override(providers.Object(resource)):
            yield resource
