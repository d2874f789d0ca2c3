"""The scenarios, in the order they run. Each module defines:

- `ID` ("1", "5a", …) and `TITLE`;
- `EXPECTED`: the (figure, target) pairs of its rows, used to report a failure when it cannot run;
- `async def run(ctx: BenchContext) -> list[Row]`, which starts what it needs and stops it again.
"""

import importlib
from types import ModuleType

MODULES = [
    "s1_create_in_memory",
    "s2_create_on_moto",
    "s3_rename_on_moto",
    "s4_read_after_write",
    "s5a_updater_catch_up",
    "s5b_projection_apply",
    "s6_aggregate_load",
    "s7_queries",
    "s8_use_case_throughput",
    "s9_create_with_auth",
    "s10_metrics_overhead",
    "s11_rebuild_read_model",
    "s12_create_encryption_overhead",
]


def load_scenarios() -> list[ModuleType]:
    """The scenario modules that exist (a missing one is reported by the runner)."""
    found = []
    for name in MODULES:
        try:
            found.append(importlib.import_module(f"benchmarks.scenarios.{name}"))
        except ModuleNotFoundError as error:
            if error.name != f"benchmarks.scenarios.{name}":
                raise
    return found
