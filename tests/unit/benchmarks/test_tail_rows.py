"""Scenario 1's tail rows: p50, p99 and p99.9 of both servers shown, their ratios judged."""

import pytest

from benchmarks.load import LoadResult, total_load
from benchmarks.scenarios.s1_create_in_memory import (
    P99_RATIO_FIGURE,
    P999_RATIO_FIGURE,
    latency_rows,
)

pytestmark = pytest.mark.unit


def load(p50: float, p99: float, p999: float) -> LoadResult:
    return LoadResult(10_000, 2.0, 0, p50, p99, p999 * 2, "wrk", p999_ms=p999)


def test_the_ratios_are_judged_against_the_runs_own_p50_beside_the_bare_endpoints() -> None:
    rows = {row.figure: row for row in latency_rows(load(10, 24, 49), load(4, 8, 12))}
    p99, p999 = rows[P99_RATIO_FIGURE], rows[P999_RATIO_FIGURE]
    assert p99.value == pytest.approx(2.4)
    assert p99.baseline == pytest.approx(2.0)
    assert p99.passed
    assert p999.value == pytest.approx(4.9)
    assert p999.baseline == pytest.approx(3.0)
    assert p999.passed
    assert len(rows) == 5


def test_a_tail_beyond_its_ratio_fails_whatever_the_bare_endpoint_does() -> None:
    rows = {row.figure: row for row in latency_rows(load(10, 26, 51), load(4, 20, 40))}
    assert not rows[P99_RATIO_FIGURE].passed
    assert not rows[P999_RATIO_FIGURE].passed


def test_rounds_taken_as_one_keep_the_worst_tail() -> None:
    total = total_load([load(10, 20, 30), load(12, 25, 60)])
    assert (total.p50_ms, total.p99_ms, total.p999_ms) == (11, 25, 60)
