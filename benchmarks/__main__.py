"""`python -m benchmarks [--quick] [--only 1,5a]`: run the scenarios, print the table, write JSON.

Exit status: 0 when every row meets its target, 1 otherwise, 2 for bad arguments.
"""

import argparse
import shutil
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from benchmarks.context import BenchContext, machine
from benchmarks.load import client_name
from benchmarks.progress import Progress
from benchmarks.report import Row, failed_row, format_table, write_json
from benchmarks.scenarios import MODULES, load_scenarios
from benchmarks.services import REPO_ROOT
from infrastructure.event_loop import run as run_on_event_loop

DEFAULT_OUTPUT = REPO_ROOT / ".run" / "bench" / "latest.json"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="./scripts/bench.sh", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller loads: about 6 minutes")
    parser.add_argument("--only", default="", help="comma-separated scenario ids, e.g. 1,5a")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the JSON report")
    return parser.parse_args(argv)


async def run_scenario(module: ModuleType, ctx: BenchContext) -> list[Row]:
    try:
        rows: list[Row] = await module.run(ctx)
        return rows
    except Exception as error:
        ctx.progress.phase(f"✗ scenario {module.ID} failed: {error!r}")
        traceback.print_exc(file=sys.stderr)
        return [
            failed_row(module.ID, figure, target, repr(error)) for figure, target in module.EXPECTED
        ]


async def run_all(args: argparse.Namespace) -> int:
    scenarios = load_scenarios()
    if args.only:
        wanted = {part.strip() for part in args.only.split(",") if part.strip()}
        unknown = wanted - {module.ID for module in scenarios}
        if unknown:
            print(f"error: unknown scenario id(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        scenarios = [module for module in scenarios if module.ID in wanted]
    missing = len(MODULES) - len(load_scenarios())
    progress = Progress()
    client = client_name()
    mode = "quick" if args.quick else "full"
    progress.phase(f"benchmark ({mode}), load client: {client}, {len(scenarios)} scenario(s)")
    log_dir = REPO_ROOT / ".run" / "bench" / "logs"
    shutil.rmtree(log_dir, ignore_errors=True)
    work_dir = Path(tempfile.mkdtemp(prefix="pcqrses-bench-"))
    ctx = BenchContext(quick=args.quick, work_dir=work_dir, log_dir=log_dir, progress=progress)
    started = time.monotonic()
    rows: list[Row] = []
    try:
        for number, module in enumerate(scenarios, start=1):
            progress.scenario(number, len(scenarios), f"{module.ID}. {module.TITLE}")
            rows.extend(await run_scenario(module, ctx))
    finally:
        await ctx.close()
        shutil.rmtree(work_dir, ignore_errors=True)
    seconds = time.monotonic() - started
    table = format_table(rows)
    print()
    print(f"Benchmark ({mode}) on {machine()['cpus']} CPUs, load client {client}, {seconds:.0f} s")
    print(table)
    if missing and not args.only:
        print(f"\n{missing} scenario module(s) missing: the benchmark is incomplete.")
    run_info = {
        "mode": mode,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "load_client": client,
        "machine": machine(),
    }
    write_json(args.output, rows, run_info)
    print(f"\nJSON: {args.output}")
    ok = bool(rows) and all(row.passed for row in rows) and not (missing and not args.only)
    print("All targets met." if ok else "Some targets were missed (✗).")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    return run_on_event_loop(run_all(args))


if __name__ == "__main__":
    sys.exit(main())
