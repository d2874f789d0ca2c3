"""`python -m benchmarks.soak [--minutes N | --quick]` (./scripts/soak.sh): the soak run.

Starts its own stack, ramps to find the rate it sustains, soaks at half of it, checks the read
model against the journal, stops the stack (on Ctrl-C and on failure too), prints the table per
minute and the targets, writes <run dir>/soak/latest.json and latest.png.
Exit 0 when every target is met, 1 otherwise (or when the run could not be done), 2 on misuse.
"""

import asyncio
import json
import os
import random
import signal
import sys
import time
import traceback
from collections import Counter
from dataclasses import asdict
from datetime import UTC, datetime
from types import FrameType
from typing import Any

import aiohttp

from benchmarks.context import machine
from benchmarks.services import cpu_seconds
from benchmarks.soak.options import SoakOptions, parse_args
from benchmarks.soak.phases import RampStep, SoakPhase, ramp, say, soak, sustained_rate
from benchmarks.soak.plot import write_plot
from benchmarks.soak.stack import SoakStack
from benchmarks.soak.stats import by_kind, evaluate, minutes
from benchmarks.soak.table import minute_table, target_lines
from benchmarks.soak.visibility import Visibility, check_visibility
from benchmarks.soak.windows import windows
from benchmarks.soak.workload import Recording, Workload

SUBJECTS = [f"soak-user-{n}" for n in range(8)]
VISIBLE_WITHIN_SECONDS = 120.0


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    # As Ctrl-C: asyncio lets KeyboardInterrupt out of the loop, whatever task was running.
    raise KeyboardInterrupt(signal.Signals(signum).name)


async def _run(stack: SoakStack, options: SoakOptions, outcome: dict[str, Any]) -> None:
    say(f"── starting the stack in {stack.run_dir} (up --auth)")
    await stack.up()
    outcome["pids"] = stack.pids()
    users, admin = stack.tokens(SUBJECTS, options.seconds * 3 + 3600)
    endpoints = {
        name: f"{stack.url(name)}/metrics"
        for name in ("command-api", "query-api", "read-model-updater")
    }
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        workload = Workload(
            session,
            stack.url("command-api"),
            stack.url("query-api"),
            users,
            admin,
            random.Random(16),
        )
        say(
            f"── ramp: {options.ramp_step_seconds:g} s per step, the mix in a closed loop, then "
            f"the best step held {options.ramp_hold_seconds:g} s"
        )
        steps, hold, ramp_recording = await ramp(
            workload, options.ramp_step_seconds, options.ramp_hold_seconds
        )
        outcome["ramp"] = (steps, ramp_recording)
        outcome["hold"] = hold
        sustained = sustained_rate(steps, hold)
        rate = max(sustained / 2, 0.5)
        say(
            f"── soak: {rate:.1f} operations/s (half of {sustained:.1f}) for "
            f"{options.seconds:g} s, sampled every {options.sample_seconds:g} s"
        )
        cpu_before = cpu_seconds(os.getpid())
        phase = await soak(
            workload,
            rate,
            options.seconds,
            options.sample_seconds,
            stack.pids,
            endpoints,
            session,
            stack.ports(),
        )
        outcome["soak"] = phase
        outcome["rate"] = (sustained, rate)
        outcome["client_cpu_seconds"] = cpu_seconds(os.getpid()) - cpu_before
        outcome["acknowledged"] = workload.acknowledged
    say("── checking every acknowledged command against the read model and the journal")
    outcome["visibility"] = await check_visibility(
        stack.dynamodb_url,
        stack.database_url,
        str(stack.kek_file),
        workload.acknowledged,
        VISIBLE_WITHIN_SECONDS,
    )


def _errors(recordings: list[Recording], phase: SoakPhase | None) -> dict[str, Any]:
    kinds: Counter[str] = Counter()
    first: list[str] = []
    for recording in recordings:
        for request in recording.requests:
            if request.error is not None:
                kinds[f"{request.kind}: {request.error}"] += 1
                if len(first) < 10:
                    first.append(f"{request.at:.1f}s {request.kind}: {request.error}")
        for lag in recording.lags:
            if not lag.visible:
                kinds[f"{lag.kind}: never visible"] += 1
    for sample in phase.samples if phase else []:
        for problem in sample.problems:
            kinds[f"sample: {problem}"] += 1
    return {"count": sum(kinds.values()), "by_kind": dict(kinds), "first": first}


def _report(options: SoakOptions, outcome: dict[str, Any], started: str, stopped: bool) -> int:
    phase: SoakPhase | None = outcome.get("soak")
    steps: list[RampStep] = outcome["ramp"][0] if "ramp" in outcome else []
    recordings = [r for r in (outcome.get("ramp", (None, None))[1], phase and phase.recording) if r]
    errors = _errors(recordings, phase)
    visibility: Visibility | None = outcome.get("visibility")
    samples = phase.samples if phase else []
    duration = phase.seconds if phase else 0.0
    figures = (
        minutes(
            duration,
            phase.recording.operations,
            phase.recording.requests,
            phase.recording.lags,
            samples,
        )
        if phase
        else []
    )
    targets = evaluate(
        unexpected_errors=errors["count"],
        invisible_commands=len(visibility.invisible) if visibility else 0,
        acknowledged_commands=visibility.acknowledged if visibility else 0,
        visibility_checked=bool(visibility and visibility.equal_to_replay),
        minute_figures=figures,
        samples=samples,
        reference_seconds=options.rss_reference_seconds,
    )
    passed = all(t.passed for t in targets) and stopped and "failure" not in outcome
    sustained, rate = outcome.get("rate", (None, None))
    title = f"Soak ({options.mode}, {options.seconds / 60:.3g} min) at {rate or 0:.1f} operations/s"
    print()
    print(title + (f", half of the {sustained:.1f} sustained in the ramp" if sustained else ""))
    if figures:
        print(minute_table(figures))
    kinds = by_kind(phase.recording.requests, phase.recording.lags) if phase else None
    if kinds:
        print(
            "p50/p99 ms by request: "
            + ", ".join(
                f"{kind} {k['p50_ms']}/{k['p99_ms']}" for kind, k in kinds["requests"].items()
            )
        )
        print(
            "lag p50/p99 ms by command: "
            + ", ".join(f"{kind} {k['p50_ms']}/{k['p99_ms']}" for kind, k in kinds["lags"].items())
        )
    print()
    print(f"RSS reference: {options.rss_reference_reason()}")
    print(target_lines(targets))
    if not stopped:
        print("✗ the stack did not stop: see ./scripts/run-single.sh status with its env")
    if "failure" in outcome:
        print(f"✗ the run failed: {outcome['failure']}")
    json_path = options.soak_dir / "latest.json"
    plot_path = options.soak_dir / "latest.png"
    step = options.sample_seconds
    series = (
        windows(
            duration,
            step,
            phase.recording.operations,
            phase.recording.requests,
            phase.recording.lags,
        )
        if phase
        else []
    )
    plotted = False
    if phase:
        try:
            write_plot(plot_path, series, samples, title)
            plotted = True
        except Exception as error:  # the figures matter more than the picture
            print(f"(no plot: {error!r})")
    document = {
        "mode": options.mode,
        "seconds": options.seconds,
        "started_at": started,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "ramp": {
            "steps": [s.as_json() for s in steps],
            "hold": outcome["hold"].as_json() if "hold" in outcome else None,
            "sustained_operations_per_second": sustained,
        },
        "operations_per_second": rate,
        "late_starts": phase.late_starts if phase else None,
        "client_cpu_seconds": outcome.get("client_cpu_seconds"),
        "minutes": [m.as_json() for m in figures],
        "by_kind": kinds,
        "windows": [asdict(w) for w in series],
        "samples": [asdict(s) for s in samples],
        "errors": errors,
        "visibility": visibility.as_json() if visibility else None,
        "rss_reference": {
            "seconds": options.rss_reference_seconds,
            "reason": options.rss_reference_reason(),
        },
        "targets": [t.as_json() for t in targets],
        "stack": {
            "run_dir": str(options.stack_dir),
            "pids": outcome.get("pids", {}),
            "stopped": stopped,
        },
        "failure": outcome.get("failure"),
        "plot": str(plot_path) if plotted else None,
        "passed": passed,
    }
    options.soak_dir.mkdir(parents=True, exist_ok=True)
    temporary = json_path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=_nan) + "\n")
    temporary.replace(json_path)
    print(f"\nJSON: {json_path}" + (f"\nPlot: {plot_path}" if document["plot"] else ""))
    print("All targets met." if passed else "Some targets were missed (✗).")
    return 0 if passed else 1


def _nan(value: object) -> object:
    return str(value)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(sys.argv[1:] if argv is None else argv)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    # A background job of a shell starts with SIGINT ignored: Ctrl-C must still stop the run
    # (and the processes it starts get the default back).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    stack = SoakStack.on_free_ports(options.stack_dir)
    outcome: dict[str, Any] = {}
    began = time.monotonic()
    try:
        asyncio.run(_run(stack, options, outcome))
    except KeyboardInterrupt as interruption:
        outcome["failure"] = f"interrupted ({interruption or 'SIGINT'})"
    except Exception as error:
        traceback.print_exc()
        outcome["failure"] = repr(error)
    finally:
        # Ctrl-C again while stopping would leave processes behind: ignore it now.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        say(f"── stopping the stack ({time.monotonic() - began:.0f} s after the start)")
        stopped = stack.down(options.soak_dir / "logs")
    return _report(options, outcome, started, stopped)


if __name__ == "__main__":
    sys.exit(main())
