"""The soak's pure parts: its options and misuse, percentiles and figures per minute, the
targets' verdicts, and which acknowledged commands a read model lacks."""

import math
from pathlib import Path

import pytest

from benchmarks.soak.options import parse_args
from benchmarks.soak.phases import RampStep, sustained_rate
from benchmarks.soak.records import (
    LagRecord,
    OperationRecord,
    RequestRecord,
    Sample,
    ServiceSample,
)
from benchmarks.soak.stats import by_kind, evaluate, minutes, percentile
from benchmarks.soak.table import minute_table, target_lines
from benchmarks.soak.visibility import invisible_commands
from benchmarks.soak.windows import windows
from benchmarks.soak.workload import MIX, Acknowledged
from domain.user_account import UserAccountId
from use_case.ports import UserAccountRow

pytestmark = pytest.mark.unit

ENV = {"PCQRSES_RUN_DIR": "/tmp/runs"}
MB = 2**20


def test_the_default_is_ten_minutes_quick_is_three_and_files_go_under_the_run_dir() -> None:
    full = parse_args([], ENV)
    assert (full.mode, full.seconds, full.sample_seconds) == ("full", 600.0, 10.0)
    assert full.soak_dir == Path("/tmp/runs/soak")
    assert full.stack_dir == Path("/tmp/runs/soak/stack")
    assert parse_args(["--quick"], ENV).seconds == 180.0
    assert parse_args(["--minutes", "5"], ENV).seconds == 300.0
    assert parse_args([], {}).soak_dir.parts[-2:] == (".run", "soak")


def test_the_rss_reference_is_two_minutes_in_or_a_third_of_a_short_run() -> None:
    assert parse_args([], ENV).rss_reference_seconds == 120.0
    quick = parse_args(["--quick"], ENV)
    assert quick.rss_reference_seconds == 60.0
    assert "60 s" in quick.rss_reference_reason()
    assert parse_args(["--seconds", "20"], ENV).rss_reference_seconds == pytest.approx(20 / 3)


@pytest.mark.parametrize(
    "argv",
    [
        ["--minutes", "0"],
        ["--minutes", "-3"],
        ["--minutes", "ten"],
        ["--minutes", "2.5"],
        ["--quick", "--minutes", "4"],
        ["--hours", "1"],
        ["extra"],
    ],
)
def test_misuse_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(argv, ENV)
    assert exit_info.value.code == 2
    assert "usage: ./scripts/soak.sh" in capsys.readouterr().err


def test_percentiles_are_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile(list(reversed(values)), 1.0) == 100.0
    assert percentile([7.0], 0.99) == 7.0
    assert math.isnan(percentile([], 0.5))


def _sample(
    at: float, rss: int = 100 * MB, fds: int = 30, services: dict[str, ServiceSample] | None = None
) -> Sample:
    base = {name: ServiceSample(rss, fds) for name in ("command-api", "query-api")}
    base["postgres"] = ServiceSample(60 * MB, 8, connections=5)
    return Sample(at, {**base, **(services or {})})


def test_figures_per_minute_bucket_by_answer_time_and_take_each_minutes_last_sample() -> None:
    requests = [RequestRecord(10.0, "create", 0.010), RequestRecord(50.0, "get", 0.030)]
    requests += [RequestRecord(70.0 + n * 0.1, "get", 0.002 * (n + 1)) for n in range(100)]
    requests.append(RequestRecord(100.0, "list", 0.5, error="HTTP 500"))
    lags = [LagRecord(20.0, "create", 0.1), LagRecord(80.0, "rename", 0.4)]
    lags.append(LagRecord(85.0, "rename", 20.5, visible=False))
    operations = [OperationRecord(float(at), "create") for at in range(0, 120, 2)]
    samples = [_sample(0.0), _sample(60.0, rss=110 * MB), _sample(120.5, rss=120 * MB, fds=31)]

    first, second = minutes(120.5, operations, requests, lags, samples)

    assert (first.minute, first.requests, first.errors) == (1, 2, 0)
    assert first.operations == 30
    assert first.operations_per_second == 0.5
    assert first.latency_p50_ms == pytest.approx(10.0)
    assert first.lag_p99_ms == pytest.approx(100.0)
    assert first.rss_bytes["command-api"] == 110 * MB
    # What ended after the last full minute (the operations in flight) counts in the last one.
    assert second.requests == 101
    assert second.errors == 2
    assert second.seconds == pytest.approx(60.5)
    assert second.latency_p99_ms == pytest.approx(200.0)
    assert second.lag_p99_ms == pytest.approx(20_500.0)
    assert (second.rss_bytes["command-api"], second.fds["query-api"]) == (120 * MB, 31)
    assert second.connections == {"postgres": 5}
    table = minute_table([first, second])
    assert "| 2   |" in table
    assert "RSS cmd MB" in table
    assert "pg conns" in table


def test_the_last_window_holds_what_ended_after_the_loads_time() -> None:
    operations = [OperationRecord(at, "list") for at in (1.0, 12.0, 20.2)]
    first, second = windows(20.3, 10.0, operations, [], [])
    assert (first.end, second.end) == (10.0, 20.3)
    assert second.operations_per_second == pytest.approx(2 / 10.3)


def _verdicts(samples: list[Sample], **overrides: object) -> dict[str, bool]:
    figures = minutes(
        180.0,
        [],
        [],
        [LagRecord(float(at), "create", 0.05) for at in (30, 90, 150)],
        samples,
    )
    arguments: dict[str, object] = {
        "unexpected_errors": 0,
        "invisible_commands": 0,
        "acknowledged_commands": 10,
        "visibility_checked": True,
        "minute_figures": figures,
        "samples": samples,
        "reference_seconds": 60.0,
    }
    arguments.update(overrides)
    results = evaluate(**arguments)  # type: ignore[arg-type]
    assert all(line[0] in "✓✗" for line in target_lines(results).splitlines())
    names = ("errors", "visible", "lag", "rss", "fds")
    return dict(zip(names, (result.passed for result in results), strict=True))


def _steady(**end: ServiceSample) -> list[Sample]:
    return [_sample(0.0), _sample(60.0), _sample(120.0), _sample(180.0, services=end)]


def test_a_steady_run_meets_every_target() -> None:
    assert all(_verdicts(_steady()).values())


def test_errors_and_commands_not_visible_fail_their_targets() -> None:
    assert _verdicts(_steady(), unexpected_errors=1)["errors"] is False
    assert _verdicts(_steady(), invisible_commands=1)["visible"] is False
    assert _verdicts(_steady(), visibility_checked=False)["visible"] is False
    assert _verdicts(_steady(), acknowledged_commands=0)["visible"] is False


def test_one_minute_with_a_lag_p99_over_300_ms_fails_the_lag_target() -> None:
    samples = _steady()
    figures = minutes(
        180.0,
        [],
        [],
        [LagRecord(at, "create", lag) for at, lag in ((30.0, 0.05), (90.0, 0.31), (150.0, 0.05))],
        samples,
    )
    assert _verdicts(samples, minute_figures=figures)["lag"] is False
    assert _verdicts(samples, minute_figures=figures[:1])["lag"] is True
    # A minute in which no read-after-write was measured is no proof.
    assert _verdicts(samples, minute_figures=minutes(180.0, [], [], [], samples))["lag"] is False


def test_rss_growth_of_a_service_past_1_15_fails_but_the_stores_are_not_gated() -> None:
    assert _verdicts(_steady(**{"command-api": ServiceSample(115 * MB, 30)}))["rss"]
    assert not _verdicts(_steady(**{"command-api": ServiceSample(116 * MB, 30)}))["rss"]
    grown_store = ServiceSample(300 * MB, 8, connections=5)
    assert _verdicts(_steady(postgres=grown_store))["rss"]


def test_descriptors_or_connections_past_the_warm_ups_most_and_a_slack_fail() -> None:
    assert _verdicts(_steady(**{"query-api": ServiceSample(100 * MB, 32)}))["fds"]
    assert not _verdicts(_steady(**{"query-api": ServiceSample(100 * MB, 33)}))["fds"]
    more_connections = ServiceSample(60 * MB, 8, connections=8)
    assert not _verdicts(_steady(postgres=more_connections))["fds"]
    # Fewer than the warm-up's most is no growth.
    samples = [_sample(0.0), _sample(60.0, fds=35), _sample(180.0, fds=33)]
    assert _verdicts(samples)["fds"]


def test_a_run_with_no_sample_after_the_reference_fails_the_memory_targets() -> None:
    verdicts = _verdicts([_sample(0.0), _sample(60.0)])
    assert not verdicts["rss"]
    assert not verdicts["fds"]


def test_a_command_is_invisible_when_its_row_is_missing_or_older() -> None:
    def row(account: str, version: int) -> UserAccountRow:
        return UserAccountRow(
            UserAccountId(account), "A", "B", "a@example.com", None, None, version, "owner"
        )

    rows = {UserAccountId("a"): row("a", 3), UserAccountId("b"): row("b", 1)}
    acknowledged = [
        Acknowledged("create", "a", 1),
        Acknowledged("rename", "a", 3),
        Acknowledged("rename", "b", 2),
        Acknowledged("create", "c", 1),
    ]
    assert invisible_commands(acknowledged, rows) == ["rename b v2", "create c v1"]


def test_the_mix_shares_add_up_to_one() -> None:
    assert sum(share for _kind, share in MIX) == pytest.approx(1.0)
    assert {kind for kind, _share in MIX} == {
        "create",
        "rename",
        "delete",
        "erase",
        "list",
        "search",
    }


def test_latency_and_lag_by_kind() -> None:
    requests = [RequestRecord(1.0, "get", n / 1000) for n in range(1, 101)]
    requests.append(RequestRecord(2.0, "create", 0.02, error="TIMEOUT"))
    kinds = by_kind(requests, [LagRecord(1.0, "rename", 0.1), LagRecord(2.0, "rename", 0.3)])
    assert kinds["requests"]["get"] == {
        "count": 100,
        "p50_ms": 50.0,
        "p99_ms": 99.0,
        "max_ms": 100.0,
        "errors": 0,
    }
    assert kinds["requests"]["create"]["errors"] == 1
    assert kinds["lags"]["rename"]["p99_ms"] == 300.0


def test_the_sustained_rate_is_the_best_steps_unless_its_hold_fell_short() -> None:
    steps = [RampStep(4, 8.0, 400, 0), RampStep(8, 8.0, 1200, 0), RampStep(16, 8.0, 1240, 0)]
    assert sustained_rate(steps, RampStep(8, 30.0, 3000, 0)) == 100.0  # held 100 of 155
    assert sustained_rate(steps, RampStep(16, 30.0, 6000, 0)) == 155.0  # held more than 155
