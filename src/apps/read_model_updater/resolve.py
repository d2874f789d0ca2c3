"""Providers that depend on async resources return awaitables: one helper for both cases."""

import inspect
from collections.abc import Awaitable
from typing import TypeVar, cast

T = TypeVar("T")


async def resolved(value: T | Awaitable[T]) -> T:
    """`value`, awaited when the provider handed back an awaitable."""
    if inspect.isawaitable(value):
        return await cast(Awaitable[T], value)
    return value
