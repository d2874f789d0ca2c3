"""devstack.local_dynamodb.heap_freezer: what a full collection leaves is frozen, and only then;
the pauses are measured in the collector's callback and logged by settle()."""

import gc
import logging
from collections.abc import Iterator

import pytest

from devstack.local_dynamodb.heap_freezer import HeapFreezer

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def only_explicit_collections() -> Iterator[None]:
    """The tests count full collections: none may start by itself meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


@pytest.fixture
def freezer() -> Iterator[HeapFreezer]:
    installed = HeapFreezer(long_pause_seconds=0.0)
    installed.install()
    try:
        yield installed
    finally:
        installed.uninstall()


def test_nothing_is_frozen_before_a_full_collection(freezer: HeapFreezer) -> None:
    gc.collect(0)
    gc.collect(1)
    assert freezer.settle() == 0
    assert gc.get_freeze_count() == 0


def test_what_a_full_collection_left_is_frozen_once_settled(
    freezer: HeapFreezer, caplog: pytest.LogCaptureFixture
) -> None:
    survivor = [[index] for index in range(1000)]
    gc.collect()
    assert gc.get_freeze_count() == 0  # not in the callback: in settle()
    with caplog.at_level(logging.WARNING, logger="devstack.local_dynamodb.heap_freezer"):
        assert freezer.settle() == 1
    assert gc.get_freeze_count() >= len(survivor)
    assert freezer.full_collections == 1
    [record] = caplog.records
    assert record.getMessage() == "a full garbage collection paused the emulator"
    assert record.seconds >= 0  # type: ignore[attr-defined]
    # The next full collection has nothing of it left to walk; settled again, it adds its own.
    gc.collect()
    assert freezer.settle() == 1
    assert freezer.full_collections == 2


def test_short_pauses_are_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    quiet = HeapFreezer(long_pause_seconds=60.0)
    quiet.install()
    try:
        gc.collect()
        with caplog.at_level(logging.WARNING, logger="devstack.local_dynamodb.heap_freezer"):
            assert quiet.settle() == 1
    finally:
        quiet.uninstall()
    assert caplog.records == []


def test_an_uninstalled_freezer_sees_no_collection() -> None:
    freezer = HeapFreezer()
    freezer.install()
    freezer.uninstall()
    freezer.uninstall()  # twice is harmless
    gc.collect()
    assert freezer.settle() == 0
