"""Counters and histograms counted as plain numbers on the event loop's thread and handed to
prometheus-client at each scrape: a request costs an addition, not a lock per metric."""

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from math import inf

from prometheus_client import CollectorRegistry
from prometheus_client.metrics_core import CounterMetricFamily, HistogramMetricFamily, Metric


class Count:
    """One labelled series of a counter."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0.0

    def inc(self, amount: float = 1.0) -> None:
        self.value += amount


class Distribution:
    """One labelled series of a histogram: its observations per bucket, and their sum."""

    __slots__ = ("_bounds", "counts", "sum")

    def __init__(self, bounds: Sequence[float]) -> None:
        self._bounds = bounds
        self.counts = [0] * len(bounds)
        self.sum = 0.0

    def observe(self, value: float) -> None:
        # The first bucket whose upper bound is at least the value (the last one is +Inf).
        self.counts[bisect_left(self._bounds, value)] += 1
        self.sum += value


class LoopCounter:
    """A counter with labels (`<name>_total`), registered in `registry` as a collector.

    Not thread-safe, and need not be: the services count on their event loop's thread, which
    also answers the scrapes. prometheus-client's own counters take a lock per increment.
    """

    def __init__(
        self,
        name: str,
        documentation: str,
        labelnames: Sequence[str] = (),
        registry: CollectorRegistry | None = None,
    ) -> None:
        self._name = name
        self._documentation = documentation
        self._labelnames = tuple(labelnames)
        self._series: dict[tuple[str, ...], Count] = {}
        if registry is not None:
            registry.register(self)

    def labels(self, *values: str) -> Count:
        """The series of these label values (created at 0 the first time): keep it."""
        if len(values) != len(self._labelnames):
            raise ValueError(f"{self._name} takes labels {self._labelnames}, not {values}")
        series = self._series.get(values)
        if series is None:
            series = self._series[values] = Count()
        return series

    def describe(self) -> Iterable[Metric]:
        return [CounterMetricFamily(self._name, self._documentation, labels=self._labelnames)]

    def collect(self) -> Iterable[Metric]:
        family = CounterMetricFamily(self._name, self._documentation, labels=self._labelnames)
        for values, series in list(self._series.items()):
            family.add_metric(list(values), series.value)
        return [family]


class LoopHistogram:
    """A histogram with labels (`<name>_bucket`, `_sum`, `_count`), as LoopCounter counts."""

    def __init__(
        self,
        name: str,
        documentation: str,
        labelnames: Sequence[str],
        buckets: Sequence[float],
        registry: CollectorRegistry | None = None,
    ) -> None:
        self._name = name
        self._documentation = documentation
        self._labelnames = tuple(labelnames)
        bounds = sorted(float(bound) for bound in buckets)
        self._bounds = tuple(bounds if bounds and bounds[-1] == inf else [*bounds, inf])
        self._names = tuple("+Inf" if bound == inf else repr(bound) for bound in self._bounds)
        self._series: dict[tuple[str, ...], Distribution] = {}
        if registry is not None:
            registry.register(self)

    def labels(self, *values: str) -> Distribution:
        if len(values) != len(self._labelnames):
            raise ValueError(f"{self._name} takes labels {self._labelnames}, not {values}")
        series = self._series.get(values)
        if series is None:
            series = self._series[values] = Distribution(self._bounds)
        return series

    def describe(self) -> Iterable[Metric]:
        return [HistogramMetricFamily(self._name, self._documentation, labels=self._labelnames)]

    def collect(self) -> Iterable[Metric]:
        family = HistogramMetricFamily(self._name, self._documentation, labels=self._labelnames)
        for values, series in list(self._series.items()):
            cumulative, buckets = 0, []
            for name, count in zip(self._names, series.counts, strict=True):
                cumulative += count
                buckets.append((name, float(cumulative)))
            family.add_metric(list(values), buckets, series.sum)
        return [family]
