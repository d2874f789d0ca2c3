"""Forged and malformed tokens over HTTP (issue 13 item 6): every one answered 401 with SPEC
§8.1's body within TIME_BOUND_SECONDS, never a 5xx, and the journal holds no event after it."""

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.auth.forged_tokens import KINDS, MAX_HEADER_TOKEN_LENGTH, Forger
from tests.e2e.auth.served import (
    CHALLENGE,
    INVALID_TOKEN,
    TIME_BOUND_SECONDS,
    UNAUTHENTICATED_BODY,
    ServedCommandApi,
    TokensTried,
    post_raw,
)
from tests.support.tokens import IssuerKeys

pytestmark = pytest.mark.e2e

SUITE = settings(
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# RFC 6750 §3.1: a request with no bearer credentials gets the challenge without an error code.
_NO_CREDENTIALS = frozenset({"no header", "wrong scheme"})


@pytest.fixture(scope="module")
def forgeries(issuer: IssuerKeys) -> dict[str, st.SearchStrategy[bytes | None]]:
    return Forger(issuer).kinds()


@pytest.mark.parametrize("kind", KINDS)
@settings(SUITE)
@given(data=st.data())
async def test_every_forged_or_malformed_token_is_answered_401_and_changes_nothing(
    api: ServedCommandApi,
    forgeries: dict[str, st.SearchStrategy[bytes | None]],
    kind: str,
    data: st.DataObject,
) -> None:
    authorization = data.draw(forgeries[kind], label=kind)
    journal = api.fresh_journal()
    TokensTried.value += 1

    async with asyncio.timeout(TIME_BOUND_SECONDS):
        answer = await post_raw(api.port, authorization)

    assert answer.status == 401, answer
    assert answer.body == UNAUTHENTICATED_BODY
    assert answer.headers["content-type"].startswith("application/json")
    expected_challenge = CHALLENGE if kind in _NO_CREDENTIALS else INVALID_TOKEN
    assert answer.headers["www-authenticate"] == expected_challenge
    assert journal.stored == []


def test_the_suite_tries_every_kind_of_the_issue(
    forgeries: dict[str, st.SearchStrategy[bytes | None]],
) -> None:
    assert list(forgeries) == list(KINDS)


async def test_a_header_longer_than_the_server_takes_is_refused_before_any_handler(
    api: ServedCommandApi,
) -> None:
    # aiohttp's parser refuses a header line over 8,190 bytes with a 400 of its own: the
    # request reaches neither the guard nor the API.
    journal = api.fresh_journal()
    for length in (MAX_HEADER_TOKEN_LENGTH + 1, 20_000, 100_000):
        async with asyncio.timeout(TIME_BOUND_SECONDS):
            answer = await post_raw(api.port, b"Bearer " + b"A" * length)

        assert answer.status == 400
        assert journal.stored == []
