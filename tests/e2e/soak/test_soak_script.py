"""./scripts/soak.sh for a few seconds: the JSON holds every part, the exit status says whether
every target was met, and the stack it started is stopped. Its speed-dependent targets (lag,
memory) are not asserted: a busy machine may miss them."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.newcomer_path.stack_runner import REPO_ROOT, alive

pytestmark = pytest.mark.e2e

SERVICES = {"dynamodb", "postgres", "read-model-updater", "command-api", "query-api"}
TARGETS = 5


def _soak(run_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "AUTH_", "E2E_")) and key != "DATABASE_URL"
    }
    env["PCQRSES_RUN_DIR"] = str(run_dir)
    return subprocess.run(
        [str(REPO_ROOT / "scripts" / "soak.sh"), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_misuse_exits_2_and_starts_nothing(tmp_path: Path) -> None:
    result = _soak(tmp_path, "--minutes", "0")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "usage: ./scripts/soak.sh" in result.stderr
    assert not (tmp_path / "soak" / "stack").exists()


def test_a_short_soak_writes_its_report_and_stops_its_stack(tmp_path: Path) -> None:
    result = _soak(tmp_path, "--seconds", "20", "--sample-seconds", "5")
    output = result.stdout + result.stderr
    assert result.returncode in (0, 1), output
    report = json.loads((tmp_path / "soak" / "latest.json").read_text())

    assert report["failure"] is None, output
    assert result.returncode == (0 if report["passed"] else 1)
    assert report["passed"] == all(target["passed"] for target in report["targets"])
    assert len(report["targets"]) == TARGETS
    for line in result.stdout.splitlines():
        if line.startswith(("✓", "✗")):
            assert any(t["name"] in line for t in report["targets"]), line

    ramp = report["ramp"]
    assert ramp["steps"], ramp
    best = max(ramp["steps"], key=lambda step: step["operations_per_second"])
    assert ramp["hold"]["concurrency"] == best["concurrency"]
    assert ramp["sustained_operations_per_second"] == pytest.approx(
        min(best["operations_per_second"], ramp["hold"]["operations_per_second"]), abs=0.01
    )
    assert report["operations_per_second"] == pytest.approx(
        ramp["sustained_operations_per_second"] / 2
    )
    [minute] = report["minutes"]
    assert minute["operations"] > 0
    assert minute["requests"] > minute["operations"]  # each write's reads of its own write
    assert minute["latency_ms"]["p99"] >= minute["latency_ms"]["p50"] > 0
    assert minute["lag_ms"]["count"] > 0
    assert set(minute["rss_bytes"]) == SERVICES
    assert "| min |" in result.stdout

    # At 0, 5, 10, 15 s and once the last operation has ended.
    samples = report["samples"]
    assert len(samples) == 5
    for sample in samples:
        assert set(sample["services"]) == SERVICES, sample
        assert all(service["rss_bytes"] > 0 for service in sample["services"].values())
        assert all(service["fds"] > 0 for service in sample["services"].values())
        assert set(sample["metrics"]) == {"command-api", "query-api", "read-model-updater"}
        assert sample["problems"] == []
    assert samples[-1]["metrics"]["command-api"]["commands"] > 0
    assert samples[-1]["metrics"]["read-model-updater"]["updater_events_applied"] > 0

    # Not a matter of speed: every acknowledged command is in the read model and the journal.
    visibility = report["visibility"]
    assert visibility["acknowledged"] > 0
    assert visibility["read_model_equals_replay"] is True
    assert visibility["invisible"] == 0
    assert report["targets"][1]["passed"] is True

    assert (tmp_path / "soak" / "latest.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert report["stack"]["stopped"] is True
    assert set(report["stack"]["pids"]) == SERVICES
    assert [pid for pid in report["stack"]["pids"].values() if alive(pid)] == []
    assert not (tmp_path / "soak" / "stack").exists()
    assert not (tmp_path / "soak" / "soak-stack.env").exists()
    assert (tmp_path / "soak" / "logs" / "command-api.log").exists()
