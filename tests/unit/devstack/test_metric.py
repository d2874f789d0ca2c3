"""devstack.metric: the largest sample of a metric in a /metrics text, as status prints it."""

import pytest

from devstack.metric import largest

pytestmark = pytest.mark.unit

TEXT = """# HELP updater_lag_seconds Per shard read by this process
# TYPE updater_lag_seconds gauge
updater_lag_seconds{shard="shardId-1"} 0.25
updater_lag_seconds{shard="shardId-2"} 1.5
# HELP updater_dead_letters Records parked
# TYPE updater_dead_letters gauge
updater_dead_letters 3.0
"""


def test_the_largest_sample_of_the_metric_is_found() -> None:
    assert largest(TEXT, "updater_lag_seconds") == 1.5
    assert largest(TEXT, "updater_dead_letters") == 3.0


def test_a_metric_without_samples_has_no_value() -> None:
    assert largest(TEXT, "updater_events_applied_total") is None
    assert largest("", "updater_lag_seconds") is None
