"""A benchmark's result rows: figure, baseline, ratio, target, pass or fail; as a table and JSON."""

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

TargetKind = Literal["ratio_at_least", "at_most", "shown", "ratio_shown"]


@dataclass(frozen=True, slots=True)
class Target:
    """`ratio_at_least`: figure / baseline ≥ value. `at_most`: the figure itself ≤ value.
    `shown`: no target, the figure is there for the rows that have one (its verdict "—").
    `ratio_shown`: as `shown`, with figure / baseline printed (a ratio that explains another)."""

    kind: TargetKind
    value: float
    unit: str = ""

    @property
    def judged(self) -> bool:
        return self.kind in ("ratio_at_least", "at_most")

    def describe(self) -> str:
        if self.kind == "ratio_at_least":
            return f"≥ {self.value:g}×"
        if not self.judged:
            return "—"
        return f"≤ {self.value:g} {self.unit}".rstrip()


def ratio_at_least(value: float) -> Target:
    return Target("ratio_at_least", value)


def at_most(value: float, unit: str) -> Target:
    return Target("at_most", value, unit)


def shown() -> Target:
    return Target("shown", 0.0)


def ratio_shown() -> Target:
    return Target("ratio_shown", 0.0)


@dataclass(slots=True)
class Row:
    """One figure of one scenario. Rates are "higher is better"; latencies use `at_most`."""

    scenario: str
    figure: str
    value: float
    unit: str
    target: Target
    baseline: float | None = None
    baseline_label: str = ""
    client: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.target.kind not in ("ratio_at_least", "ratio_shown"):
            return None
        return self.value / self.baseline if self.baseline > 0 else math.inf

    @property
    def passed(self) -> bool:
        if not math.isfinite(self.value) or self.value < 0:
            return False
        if not self.target.judged:
            return True
        if self.target.kind == "ratio_at_least":
            ratio = self.ratio
            return ratio is not None and ratio >= self.target.value
        return self.value <= self.target.value

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["target"] = {**asdict(self.target), "text": self.target.describe()}
        data["ratio"] = self.ratio
        data["passed"] = self.passed
        return data


def failed_row(scenario: str, figure: str, target: Target, error: str) -> Row:
    """The row of a scenario that could not run: it fails, saying why."""
    return Row(scenario, figure, math.nan, "", target, details={"error": error})


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if not math.isfinite(value):
        return "n/a"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
    return f"{text} {unit}".rstrip()


def _ratio(ratio: float) -> str:
    return f"{ratio:,.0f}×" if ratio >= 100 else f"{ratio:.2f}×"


def _verdict(row: Row) -> str:
    if not row.passed:
        return "✗"
    return "✓" if row.target.judged else "—"


def format_table(rows: list[Row]) -> str:
    """The rows as an aligned plain-text table (also valid Markdown)."""
    header = ["#", "figure", "value", "baseline", "ratio", "target", "ok"]
    lines = [
        [
            row.scenario,
            row.figure,
            _number(row.value, row.unit),
            _number(row.baseline, row.unit)
            + (f" ({row.baseline_label})" if row.baseline_label else ""),
            "—" if row.ratio is None else _ratio(row.ratio),
            row.target.describe(),
            _verdict(row),
        ]
        for row in rows
    ]
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(len(header))]

    def render(cells: list[str]) -> str:
        return (
            "| "
            + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
            + " |"
        )

    separator = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([render(header), separator, *(render(cells) for cells in lines)])


def write_json(path: Path, rows: list[Row], run: dict[str, Any]) -> None:
    """`run` (mode, machine, client, times) and the rows, written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        **run,
        "passed": all(row.passed for row in rows),
        "rows": [row.as_json() for row in rows],
    }
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    temporary.replace(path)
