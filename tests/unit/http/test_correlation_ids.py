"""New correlation ids: 32 hex digits, never repeated within a process or across processes."""

import re

import pytest

from infrastructure.http.middleware import CorrelationIds

pytestmark = pytest.mark.unit


def test_ids_are_32_hex_digits_and_never_repeat() -> None:
    ids = CorrelationIds()

    made = [ids.new() for _ in range(10_000)]

    assert len(set(made)) == len(made)
    assert all(re.fullmatch("[0-9a-f]{32}", cid) for cid in made)


def test_two_processes_start_from_different_seeds() -> None:
    assert CorrelationIds().new() != CorrelationIds().new()
