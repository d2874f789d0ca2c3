"""Scenario 1's third contender: with the stand-in the in-memory app answers a create as the
product does, from a use case that stores nothing; without it (the product) the create is stored."""

import json

import pytest
from aiohttp.test_utils import TestClient, TestServer

import apps.in_memory.__main__ as in_memory_main
from apps.command_api.app import create_app
from apps.in_memory.stack import InMemoryStack
from benchmarks.path_only_in_memory import ACCEPTED, install_stand_in
from benchmarks.scenarios.s1_create_in_memory import CREATE
from domain.user_account import UserAccountId
from tests.support.containers import api_containers

pytestmark = pytest.mark.unit


async def create_over_http() -> tuple[dict[str, object], InMemoryStack]:
    """One createUserAccount through the Command API as apps.in_memory builds it: the answer's
    data and the in-memory stack behind it."""
    command, query = api_containers()
    stack = in_memory_main.use_in_memory_stack(command, query)
    async with TestClient(TestServer(create_app(command))) as client:
        answer = await client.post(
            "/api/graphql", data=CREATE, headers={"Content-Type": "application/json"}
        )
        assert answer.status == 200
        document = json.loads(await answer.text())
    return document["data"]["createUserAccount"], stack


async def test_the_product_stores_the_create() -> None:
    created, stack = await create_over_http()

    assert created["version"] == 1
    assert created["id"] != ACCEPTED.id
    assert stack.repository.records_of(UserAccountId(str(created["id"])))


async def test_with_the_stand_in_the_same_app_answers_alike_and_stores_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    install_stand_in(monkeypatch.setattr)

    created, stack = await create_over_http()

    assert created == {"id": ACCEPTED.id, "version": 1}
    assert not stack.repository.records_of(UserAccountId(ACCEPTED.id))


def test_a_stand_in_that_misses_its_name_stops_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(in_memory_main, "use_in_memory_stack")

    with pytest.raises(SystemExit, match="use_in_memory_stack is gone"):
        install_stand_in(monkeypatch.setattr)
