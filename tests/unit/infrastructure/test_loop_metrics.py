"""LoopCounter and LoopHistogram: plain-number series exposed as prometheus-client exposes its
own (names, labels, cumulative `le` buckets, sum and count), registered under their names."""

import pytest
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from infrastructure.loop_metrics import LoopCounter, LoopHistogram
from tests.support.metrics import Metrics

pytestmark = pytest.mark.unit

BUCKETS = (0.1, 1, 10)


def test_a_counter_reads_as_prometheus_clients_own() -> None:
    ours, theirs = CollectorRegistry(), CollectorRegistry()
    counter = LoopCounter("jobs", "Jobs done", ["kind"], registry=ours)
    reference = Counter("jobs", "Jobs done", ["kind"], registry=theirs)
    for kind, times in (("a", 3), ("b", 1)):
        series = counter.labels(kind)
        for _ in range(times):
            series.inc()
            reference.labels(kind).inc()
    scraped = Metrics(generate_latest(ours).decode())
    assert scraped.value("jobs_total", kind="a") == 3
    assert scraped.value("jobs_total", kind="b") == 1
    expected = Metrics(generate_latest(theirs).decode())
    assert scraped.labelled("jobs_total") == expected.labelled("jobs_total")


def test_a_histogram_counts_a_value_on_a_bound_in_that_bucket_as_prometheus_client_does() -> None:
    ours, theirs = CollectorRegistry(), CollectorRegistry()
    histogram = LoopHistogram("wait_seconds", "Waits", ["queue"], BUCKETS, registry=ours)
    reference = Histogram("wait_seconds", "Waits", ["queue"], registry=theirs, buckets=BUCKETS)
    values = [0.05, 0.1, 0.5, 1.0, 7.0, 10.0, 99.0]
    for value in values:
        histogram.labels("q").observe(value)
        reference.labels("q").observe(value)
    scraped = Metrics(generate_latest(ours).decode())
    expected = Metrics(generate_latest(theirs).decode())
    for le, cumulative in (("0.1", 2), ("1.0", 4), ("10.0", 6), ("+Inf", 7)):
        assert scraped.value("wait_seconds_bucket", queue="q", le=le) == cumulative
        assert expected.value("wait_seconds_bucket", queue="q", le=le) == cumulative
    assert scraped.value("wait_seconds_count", queue="q") == len(values)
    assert scraped.value("wait_seconds_sum", queue="q") == pytest.approx(sum(values))


def test_a_name_is_registered_once_and_label_values_must_match_the_names() -> None:
    registry = CollectorRegistry()
    counter = LoopCounter("jobs", "Jobs done", ["kind"], registry=registry)
    with pytest.raises(ValueError, match="Duplicated timeseries"):
        LoopCounter("jobs", "Jobs again", ["kind"], registry=registry)
    with pytest.raises(ValueError, match="takes labels"):
        counter.labels("a", "b")
    assert counter.labels("a") is counter.labels("a")
