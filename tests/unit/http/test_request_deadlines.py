"""RequestDeadlines: one timer cancels the requests that outlive the limit, and only those (in
virtual time: what is cancelled, and when, does not depend on the machine's speed)."""

import asyncio

import pytest

from infrastructure.http.request_deadlines import RequestDeadlines
from tests.support.virtual_time import in_virtual_time

pytestmark = pytest.mark.unit


async def sleeper(deadlines: RequestDeadlines, token: object, seconds: float) -> str:
    task = asyncio.current_task()
    assert task is not None
    deadlines.start(token, task)
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        return "expired" if deadlines.finish(token) else "cancelled by someone else"
    return "expired" if deadlines.finish(token) else "in time"


@in_virtual_time
async def test_only_the_requests_past_their_deadline_are_cancelled() -> None:
    deadlines = RequestDeadlines(0.1)

    outcomes = await asyncio.gather(
        sleeper(deadlines, "slow", 5), sleeper(deadlines, "quick", 0.01)
    )

    assert outcomes == ["expired", "in time"]


@in_virtual_time
async def test_a_request_is_cancelled_within_a_period_of_its_deadline() -> None:
    deadlines = RequestDeadlines(0.2)
    loop = asyncio.get_running_loop()
    started = loop.time()

    assert await sleeper(deadlines, "slow", 5) == "expired"

    assert 0.2 <= loop.time() - started < 0.2 + deadlines.period + 0.1


@in_virtual_time
async def test_a_later_request_is_not_cancelled_with_an_earlier_one() -> None:
    deadlines = RequestDeadlines(0.2)
    first = asyncio.ensure_future(sleeper(deadlines, "first", 5))
    await asyncio.sleep(0.12)

    second = asyncio.ensure_future(sleeper(deadlines, "second", 0.15))

    assert await first == "expired"
    assert await second == "in time"


@in_virtual_time
async def test_a_cancellation_of_someone_else_is_not_taken_for_a_timeout() -> None:
    deadlines = RequestDeadlines(10)
    request = asyncio.ensure_future(sleeper(deadlines, "request", 5))
    await asyncio.sleep(0)

    request.cancel()

    assert await request == "cancelled by someone else"


@in_virtual_time
async def test_the_timer_stops_when_no_request_is_in_progress() -> None:
    deadlines = RequestDeadlines(0.1)

    await sleeper(deadlines, "quick", 0)
    await asyncio.sleep(deadlines.period * 2)

    assert deadlines._timer is None


async def nap(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "done"


@in_virtual_time
async def test_run_answers_the_work_in_time_and_the_fallback_past_it() -> None:
    deadlines = RequestDeadlines(0.1)

    outcomes = await asyncio.gather(
        deadlines.run(nap(0.01), lambda: "out of time"),
        deadlines.run(nap(5), lambda: "out of time"),
    )

    assert outcomes == ["done", "out of time"]


@in_virtual_time
async def test_run_within_run_tells_whose_deadline_it_was() -> None:
    outer, inner = RequestDeadlines(1.0), RequestDeadlines(0.1)

    async def inner_between(before: float, inner_seconds: float, after: float) -> str:
        await asyncio.sleep(before)
        first = await inner.run(nap(inner_seconds), lambda: "inner out of time")
        await asyncio.sleep(after)
        return first

    outcomes = await asyncio.gather(
        outer.run(inner_between(0, 5, 0), lambda: "outer out of time"),
        outer.run(inner_between(0, 0, 5), lambda: "outer out of time"),
        outer.run(inner_between(0, 0.01, 0), lambda: "outer out of time"),
        # Started late, the inner limit would end after the outer one: the outer ends it.
        outer.run(inner_between(0.97, 5, 0), lambda: "outer out of time"),
    )

    assert outcomes == [
        "inner out of time",
        "outer out of time",
        "done",
        "outer out of time",
    ]


@in_virtual_time
async def test_run_lets_a_cancellation_of_someone_else_go_on() -> None:
    deadlines = RequestDeadlines(10)
    work = asyncio.ensure_future(deadlines.run(nap(5), lambda: "out of time"))
    await asyncio.sleep(0)

    work.cancel()

    with pytest.raises(asyncio.CancelledError):
        await work


@pytest.mark.parametrize(
    ("seconds", "period"), [(30.0, 1.0), (2.0, 0.1), (0.2, 0.01), (0.01, 0.005)]
)
def test_the_period_is_a_twentieth_of_the_limit_within_bounds(
    seconds: float, period: float
) -> None:
    assert RequestDeadlines(seconds).period == pytest.approx(period)
