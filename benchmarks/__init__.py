"""The project's benchmark: `./scripts/bench.sh [--quick]` runs `python -m benchmarks`.

Every figure is a ratio against a baseline measured in the same run, on the same machine, with the
same load client (see docs/performance.md).
"""
