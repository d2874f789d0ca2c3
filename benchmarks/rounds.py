"""A baseline and a figure measured in alternating rounds, so that the drift of a shared machine
hits both alike (scenarios 1, 2 and 3)."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

from benchmarks.context import BenchContext


class Measured(Protocol):
    @property
    def rate(self) -> float: ...


M = TypeVar("M", bound=Measured)


async def alternate(
    ctx: BenchContext, rounds: int, contenders: Sequence[tuple[str, Callable[[], Awaitable[M]]]]
) -> list[list[M]]:
    """Each contender's measurements, `rounds` of them, taken in turns: one list per contender."""
    results: list[list[M]] = [[] for _ in contenders]
    for number in range(1, rounds + 1):
        for (label, measure), measured in zip(contenders, results, strict=True):
            ctx.progress.phase(f"round {number}/{rounds}: {label}")
            measured.append(await measure())
            ctx.progress.phase(f"round {number}/{rounds}: {label}: {measured[-1].rate:,.0f}/s")
    return results
