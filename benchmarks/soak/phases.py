"""The two phases of the load: the ramp that finds the rate the stack sustains, then the soak at
half of it, sampled every 10 s with a progress line per sample."""

import asyncio
import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import aiohttp

from benchmarks.soak.records import Sample
from benchmarks.soak.sampler import Ports, take_sample
from benchmarks.soak.table import SHORT_NAMES
from benchmarks.soak.windows import window
from benchmarks.soak.workload import Recording, Workload

RAMP_CONCURRENCY = (4, 8, 16, 32, 64)
# The ramp stops once a step adds less than this to the best rate so far (the stack is full).
RAMP_GAIN = 1.10
# Operations in flight at most during the soak: the load is bounded even when the stack falls
# behind (late operations then start as soon as one ends).
MAX_IN_FLIGHT = 64


def say(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


@dataclass(frozen=True, slots=True)
class RampStep:
    concurrency: int
    seconds: float
    operations: int
    errors: int

    @property
    def rate(self) -> float:
        return self.operations / self.seconds if self.seconds > 0 else 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "concurrency": self.concurrency,
            "seconds": round(self.seconds, 2),
            "operations": self.operations,
            "operations_per_second": round(self.rate, 2),
            "errors": self.errors,
        }


async def ramp(
    workload: Workload, step_seconds: float, hold_seconds: float
) -> tuple[list[RampStep], RampStep, Recording]:
    """Closed-loop steps of growing concurrency; stops when a step no longer adds 10 %. Then
    the best step's concurrency is held for `hold_seconds` (the hold): a step of a few seconds
    can fall in a fast phase of a shared machine, and what the stack sustains is the lower of
    the two rates (`sustained_rate`)."""
    recording = workload.recording = Recording()
    steps: list[RampStep] = []
    for concurrency in RAMP_CONCURRENCY:
        step = await _closed_loop(workload, recording, concurrency, step_seconds)
        say(f"   ramp: {concurrency:>2} in flight → {step.rate:6.1f} operations/s")
        best = max((s.rate for s in steps), default=0.0)
        steps.append(step)
        if steps[:-1] and step.rate < best * RAMP_GAIN:
            break
    best_step = max(steps, key=lambda s: s.rate)
    hold = await _closed_loop(workload, recording, best_step.concurrency, hold_seconds)
    say(
        f"   hold: {hold.concurrency:>2} in flight for {hold_seconds:g} s → "
        f"{hold.rate:6.1f} operations/s"
    )
    return steps, hold, recording


def sustained_rate(steps: list[RampStep], hold: RampStep) -> float:
    """The best step's rate, unless the hold at its concurrency did not keep it up."""
    return min(max(step.rate for step in steps), hold.rate)


async def _closed_loop(
    workload: Workload, recording: Recording, concurrency: int, seconds: float
) -> RampStep:
    stop = asyncio.Event()

    async def worker() -> None:
        while not stop.is_set():
            await workload.one()

    start = recording.now()
    workers = [asyncio.create_task(worker()) for _ in range(concurrency)]
    await asyncio.sleep(seconds)
    end = recording.now()
    stop.set()
    await asyncio.gather(*workers)
    ops = sum(start < o.at <= end for o in recording.operations)
    errors = sum(start < r.at and r.error is not None for r in recording.requests)
    return RampStep(concurrency, end - start, ops, errors)


@dataclass(slots=True)
class SoakPhase:
    recording: Recording
    samples: list[Sample] = field(default_factory=list)
    late_starts: int = 0
    seconds: float = 0.0


async def soak(
    workload: Workload,
    rate: float,
    seconds: float,
    sample_seconds: float,
    pids: Callable[[], Mapping[str, int]],
    endpoints: Mapping[str, str],
    session: aiohttp.ClientSession,
    ports: Mapping[str, Ports],
) -> SoakPhase:
    """`rate` operations a second for `seconds`, at most MAX_IN_FLIGHT at once, sampled every
    `sample_seconds` (at 0, each step, and when the last operation has ended)."""
    phase = SoakPhase(workload.recording)
    phase.recording = workload.recording = Recording()
    recording = phase.recording
    finished = asyncio.Event()

    async def sampler() -> None:
        # Every step until the load's end; the sample at the end is taken once the last
        # operation has ended.
        number = 0
        while number * sample_seconds < seconds - 1e-6:
            at = number * sample_seconds
            delay = at - recording.now()
            if finished.is_set():
                break
            if delay > 0:
                try:
                    await asyncio.wait_for(finished.wait(), delay)
                    break
                except TimeoutError:
                    pass
            await _sample(recording.now())
            number += 1

    async def _sample(at: float) -> None:
        sample = await take_sample(at, pids(), endpoints, session, ports)
        phase.samples.append(sample)
        previous = phase.samples[-2].at if len(phase.samples) > 1 else None
        _progress(sample, previous, recording, rate)

    sampling = asyncio.create_task(sampler())
    slots = asyncio.Semaphore(MAX_IN_FLIGHT)
    running: set[asyncio.Task[None]] = set()
    interval = 1.0 / rate
    for number in range(max(1, math.floor(seconds * rate))):
        due = number * interval
        delay = due - recording.now()
        if delay > 0:
            await asyncio.sleep(delay)
        await slots.acquire()
        if recording.now() - due > 1.0:
            phase.late_starts += 1
        task = asyncio.create_task(workload.one())
        running.add(task)
        task.add_done_callback(running.discard)
        task.add_done_callback(lambda _done: slots.release())
    await asyncio.gather(*running)
    phase.seconds = max(seconds, recording.now())
    finished.set()
    await sampling
    await _sample(recording.now())
    return phase


def _progress(sample: Sample, previous: float | None, recording: Recording, rate: float) -> None:
    if previous is None:
        figures = "the load starts"
    else:
        w = window(previous, sample.at, recording.operations, recording.requests, recording.lags)
        figures = (
            f"{w.operations_per_second:5.1f} ops/s (of {rate:.1f}) {w.requests_per_second:6.1f}"
            f" req/s  p50 {w.latency_p50_ms:5.1f} p99 {w.latency_p99_ms:6.1f} ms"
            f"  lag p99 {w.lag_p99_ms:5.0f} ms  errors {w.errors}"
        )
    memory = " ".join(
        f"{SHORT_NAMES.get(name, name)} {s.rss_bytes / 2**20:.0f}M/{s.fds}fd"
        + (f"+{s.clients}c+{s.pooled}p" if name != "postgres" else f"/{s.connections}c")
        for name, s in sorted(sample.services.items())
    )
    lag = sample.metrics.get("read-model-updater", {}).get("updater_lag_seconds")
    updater = f"  updater lag {lag:.2f} s" if lag is not None else ""
    problems = f"  PROBLEMS: {'; '.join(sample.problems)}" if sample.problems else ""
    say(f"[{sample.at:6.0f}s] {figures}  |  {memory}{updater}{problems}")
