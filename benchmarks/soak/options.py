"""The soak's command line: how long, where its files go; misuse exits 2 (argparse's own)."""

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MINUTES = 10
QUICK_MINUTES = 3
# The RSS target compares the end with the sample this long into the load (issue 16)...
RSS_REFERENCE_SECONDS = 120.0
# ...unless the run is too short to leave most of it after that: then a third of the run.
RSS_REFERENCE_SHARE = 1 / 3
SAMPLE_SECONDS = 10.0
RAMP_HOLD_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class SoakOptions:
    mode: str  # "full", "quick", "custom" (--minutes) or "test" (--seconds)
    seconds: float  # of the load at half the sustained rate (the ramp comes before)
    run_dir: Path  # the base run directory: the soak's files go to <run_dir>/soak/
    sample_seconds: float
    ramp_step_seconds: float
    # The best step's concurrency held this long after the ramp (phases.ramp).
    ramp_hold_seconds: float

    @property
    def soak_dir(self) -> Path:
        return self.run_dir / "soak"

    @property
    def stack_dir(self) -> Path:
        """The soak's own stack (its PCQRSES_RUN_DIR), beside the JSON and the plot."""
        return self.soak_dir / "stack"

    @property
    def rss_reference_seconds(self) -> float:
        """When the RSS the end is compared with is taken: 2 minutes in, or a third of a run
        shorter than 6 minutes (--quick: 60 s)."""
        return min(RSS_REFERENCE_SECONDS, self.seconds * RSS_REFERENCE_SHARE)

    def rss_reference_reason(self) -> str:
        if self.rss_reference_seconds == RSS_REFERENCE_SECONDS:
            return "the sample 2 minutes into the load"
        return (
            f"the sample {self.rss_reference_seconds:.0f} s into the load (a third of a run "
            "shorter than 6 minutes: 2 minutes would leave too little of it to grow in)"
        )


def _positive(kind: type[int] | type[float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be greater than 0: {text}")
        return value

    return parse


def parse_args(argv: list[str], environ: dict[str, str] | None = None) -> SoakOptions:
    """The options of `argv`; SystemExit(2) with a message on misuse."""
    env = dict(os.environ) if environ is None else environ
    parser = argparse.ArgumentParser(
        prog="./scripts/soak.sh",
        description="The full local stack (AUTH_MODE=jwt) under a mixed load at half the rate "
        "it sustains, for minutes; prints a table per minute and the targets (✓/✗), writes "
        "<run dir>/soak/latest.json and a plot. Exit 0 when every target is met, 1 otherwise, "
        "2 on misuse.",
    )
    length = parser.add_mutually_exclusive_group()
    length.add_argument(
        "--minutes",
        type=_positive(int),
        help=f"minutes of load (default {DEFAULT_MINUTES})",
    )
    length.add_argument("--quick", action="store_true", help=f"{QUICK_MINUTES} minutes of load")
    # For the tests: seconds of load, shorter samples and ramp steps.
    length.add_argument("--seconds", type=_positive(float), help=argparse.SUPPRESS)
    parser.add_argument("--sample-seconds", type=_positive(float), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    run_dir = Path(env.get("PCQRSES_RUN_DIR") or Path(__file__).resolve().parents[2] / ".run")
    if args.seconds is not None:
        return SoakOptions(
            "test", args.seconds, run_dir, args.sample_seconds or SAMPLE_SECONDS, 3.0, 3.0
        )
    if args.quick:
        mode, minutes = "quick", QUICK_MINUTES
    elif args.minutes is not None:
        mode, minutes = "custom", args.minutes
    else:
        mode, minutes = "full", DEFAULT_MINUTES
    sample_seconds = args.sample_seconds or SAMPLE_SECONDS
    return SoakOptions(mode, minutes * 60.0, run_dir, sample_seconds, 8.0, RAMP_HOLD_SECONDS)
