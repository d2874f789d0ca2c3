"""The soak's PNG: throughput, latency percentiles, read-after-write lag and RSS over time."""

from collections.abc import Sequence
from pathlib import Path

from benchmarks.soak.records import Sample
from benchmarks.soak.windows import Window


def write_plot(
    path: Path, windows: Sequence[Window], samples: Sequence[Sample], title: str
) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display: a file only
    import matplotlib.pyplot as plt

    times = [w.end for w in windows]
    figure, axes = plt.subplots(4, 1, figsize=(10, 12), sharex=True)
    figure.suptitle(title)
    throughput, latency, lag, memory = axes
    throughput.plot(times, [w.operations_per_second for w in windows], label="operations/s")
    throughput.plot(times, [w.requests_per_second for w in windows], label="requests/s")
    throughput.set_ylabel("per second")
    latency.plot(times, [w.latency_p50_ms for w in windows], label="p50")
    latency.plot(times, [w.latency_p99_ms for w in windows], label="p99")
    latency.set_ylabel("request latency (ms)")
    lag.plot(times, [w.lag_p50_ms for w in windows], label="p50")
    lag.plot(times, [w.lag_p99_ms for w in windows], label="p99")
    lag.axhline(300, color="red", linestyle="--", linewidth=0.8, label="target p99")
    lag.set_ylabel("read-after-write lag (ms)")
    names = sorted({name for sample in samples for name in sample.services})
    for name in names:
        points = [(s.at, s.services[name].rss_bytes / 2**20) for s in samples if name in s.services]
        memory.plot([p[0] for p in points], [p[1] for p in points], label=name)
    memory.set_ylabel("RSS (MiB)")
    memory.set_xlabel("seconds into the load")
    for axis in axes:
        axis.grid(alpha=0.3)
        axis.legend(loc="upper left", fontsize="small")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
