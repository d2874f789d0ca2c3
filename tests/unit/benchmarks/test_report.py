"""The benchmark's verdicts: ratios against targets, latency limits, the table and the JSON."""

import json
import math
from pathlib import Path

import pytest

from benchmarks.report import (
    Row,
    at_most,
    failed_row,
    format_table,
    ratio_at_least,
    ratio_shown,
    shown,
    write_json,
)

pytestmark = pytest.mark.unit


def rate_row(value: float, baseline: float, target: float = 0.5) -> Row:
    return Row(
        "7", "getUserAccount req/s", value, "req/s", ratio_at_least(target), baseline=baseline
    )


def test_a_rate_passes_when_its_ratio_reaches_the_target() -> None:
    assert rate_row(500, 1000).passed
    assert rate_row(500, 1000).ratio == pytest.approx(0.5)
    assert not rate_row(499, 1000).passed


def test_a_latency_passes_at_or_below_its_limit() -> None:
    assert Row("1", "p99", 10.0, "ms", at_most(10, "ms")).passed
    assert not Row("1", "p99", 10.01, "ms", at_most(10, "ms")).passed


def test_a_row_without_a_measure_fails() -> None:
    assert not failed_row("2", "createUserAccount req/s", ratio_at_least(0.7), "boom").passed
    assert not rate_row(math.nan, 1000).passed
    assert not Row("3", "rename", 100, "req/s", ratio_at_least(0.5)).passed  # no baseline


def test_the_table_shows_figure_baseline_ratio_target_and_verdict() -> None:
    rows = [
        Row("1", "create req/s", 2000, "req/s", ratio_at_least(0.25), 8000, "bare aiohttp"),
        Row("1", "create p99", 12.5, "ms", at_most(10, "ms")),
    ]
    lines = format_table(rows).splitlines()
    assert [cell.strip() for cell in lines[0].split("|")[1:-1]] == [
        "#",
        "figure",
        "value",
        "baseline",
        "ratio",
        "target",
        "ok",
    ]
    assert "2,000 req/s" in lines[2]
    assert "8,000 req/s (bare aiohttp)" in lines[2]
    assert "0.25×" in lines[2]
    assert "≥ 0.25×" in lines[2]
    assert lines[2].rstrip(" |").endswith("✓")
    assert "12.50 ms" in lines[3]
    assert "≤ 10 ms" in lines[3]
    assert lines[3].rstrip(" |").endswith("✗")
    assert len({len(line) for line in lines}) == 1  # aligned


def test_the_json_report_holds_every_row_and_the_overall_verdict(tmp_path: Path) -> None:
    path = tmp_path / "bench" / "latest.json"
    rows = [rate_row(600, 1000), Row("1", "p99", 4.0, "ms", at_most(10, "ms"))]
    write_json(path, rows, {"mode": "quick", "load_client": "wrk"})
    document = json.loads(path.read_text())
    assert document["mode"] == "quick"
    assert document["passed"] is True
    assert [row["passed"] for row in document["rows"]] == [True, True]
    assert document["rows"][0]["ratio"] == pytest.approx(0.6)
    assert document["rows"][0]["target"]["text"] == "≥ 0.5×"
    write_json(path, [rate_row(1, 1000)], {"mode": "full"})
    assert json.loads(path.read_text())["passed"] is False


def test_a_shown_figure_has_no_verdict_and_fails_only_without_a_measure() -> None:
    row = Row("1", "create p50", 5.0, "ms", shown(), 2.0, "bare aiohttp")
    assert row.passed
    assert row.ratio is None
    line = format_table([row]).splitlines()[2]
    assert line.rstrip(" |").endswith("—")
    assert "2.00 ms (bare aiohttp)" in line
    assert not Row("1", "create p50", math.nan, "ms", shown()).passed


def test_a_shown_ratio_is_printed_without_a_verdict_whatever_it_is() -> None:
    row = Row("1", "path alone", 4_000.0, "req/s", ratio_shown(), 16_000.0, "bare aiohttp")
    assert row.passed
    assert row.ratio == 0.25
    cells = [cell.strip() for cell in format_table([row]).splitlines()[2].split("|")]
    assert cells[5:8] == ["0.25×", "—", "—"]
    assert not Row("1", "path alone", math.nan, "req/s", ratio_shown(), 1.0).passed
