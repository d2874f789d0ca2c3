"""The load client numbers `__N__` in a body, so that each request can carry a new value."""

import itertools

import pytest

from benchmarks.load import numbered

pytestmark = pytest.mark.unit


def test_each_request_gets_a_new_number() -> None:
    sequence = itertools.count(1)
    body = b'{"lastName": "Lovelace __N__"}'

    bodies = [numbered(body, sequence) for _ in range(3)]

    assert bodies == [
        b'{"lastName": "Lovelace 1 1"}',
        b'{"lastName": "Lovelace 1 2"}',
        b'{"lastName": "Lovelace 1 3"}',
    ]


def test_a_body_without_the_placeholder_is_sent_as_it_is() -> None:
    sequence = itertools.count(1)

    assert numbered(b'{"query": "q"}', sequence) == b'{"query": "q"}'
    assert next(sequence) == 1
