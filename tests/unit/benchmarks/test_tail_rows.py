"""Scenario 1's rows beside its rate: p50, p99 and p99.9 of both servers shown, their ratios
judged; the path alone's rate and the create's against it shown."""

import pytest

from benchmarks.load import LoadResult, total_load
from benchmarks.report import format_table
from benchmarks.scenarios.s1_create_in_memory import (
    P99_RATIO_FIGURE,
    P999_RATIO_FIGURE,
    latency_rows,
    path_rows,
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


def test_the_path_rows_split_the_create_between_the_path_and_the_use_case() -> None:
    bare, create, path_only = (
        LoadResult(n, 1.0, 0, 1.0, 2.0, 3.0, "wrk", p999_ms=3.0) for n in (16_000, 3_000, 4_800)
    )
    path, against_path = path_rows(create, bare, path_only)
    assert (path.ratio, against_path.ratio) == (pytest.approx(0.3), pytest.approx(0.625))
    assert path.passed
    assert against_path.passed
    assert format_table([path]).splitlines()[2].split("|")[5].strip() == "0.30×"
