"""Counters of the fault tests (faults injected, commands verified) and the run's random seed,
printed at the end of a run."""

import random
from dataclasses import dataclass


@dataclass
class FaultFigures:
    faults_injected: int = 0
    commands_verified: int = 0
    seed: int | None = None


FIGURES = FaultFigures()


def seed(chosen: str | None) -> int:
    """The run's seed: `chosen` (FAULTS_SEED) when given, else one drawn on first use."""
    if FIGURES.seed is None:
        FIGURES.seed = int(chosen) if chosen else random.SystemRandom().randrange(2**32)
    return FIGURES.seed


def fault_injected(count: int = 1) -> None:
    """One more fault (a kill, an outage, a signal) was injected into a running service."""
    FIGURES.faults_injected += count


def commands_verified(count: int) -> None:
    """`count` more commands were checked against the journal (and the read model)."""
    FIGURES.commands_verified += count


def summary() -> str:
    line = (
        f"faults injected: {FIGURES.faults_injected}, "
        f"commands verified: {FIGURES.commands_verified}"
    )
    if FIGURES.seed is not None:
        line += f" (seed {FIGURES.seed}: FAULTS_SEED={FIGURES.seed} repeats the random choices)"
    return line
