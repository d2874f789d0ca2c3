"""Refused commands over HTTP: VALIDATION_ERROR per field rule, then the domain outcomes."""

from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from dependency_injector import providers

from apps.command_api.container import CommandApiContainer
from domain.user_account import UserAccountId
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from tests.e2e.command_api.graphql_http import (
    CREATE,
    DELETE,
    RENAME,
    create_account,
    error_code,
    only_error,
    post_graphql,
)
from tests.e2e.command_api.repository_fakes import AlwaysConflictingRepository

pytestmark = pytest.mark.e2e

UNKNOWN_ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
VALID_NAME = {"firstName": "Taro", "lastName": "Yamada"}
VALID_CREATE = {**VALID_NAME, "emailAddress": "taro@example.com"}


def validation_errors(answer: dict[str, Any]) -> list[str]:
    """The messages of a VALIDATION_ERROR, checked against its joined message."""
    assert answer["data"] is None
    error = only_error(answer)
    assert error["extensions"]["code"] == "VALIDATION_ERROR"
    messages: list[str] = error["extensions"]["errors"]
    assert error["message"] == ", ".join(messages)
    assert len(error["path"]) == 1  # the mutation field
    return messages


NAME_CASES = [
    ("", "{} cannot be empty"),
    (" \t\n ", "{} cannot be empty"),
    ("Ta\x07ro", "{} contains invalid characters"),
    ("Ta\x7fro", "{} contains invalid characters"),
    ("Ta\x85ro", "{} contains invalid characters"),
    ("Ta\x00ro", "{} contains invalid characters"),
    ("x" * 257, "{} is too long"),
]


@pytest.mark.parametrize(("value", "template"), NAME_CASES)
@pytest.mark.parametrize(
    ("field", "label"), [("firstName", "First name"), ("lastName", "Last name")]
)
async def test_create_reports_each_name_rule(
    client: TestClient[Any, Any], field: str, label: str, value: str, template: str
) -> None:
    answer = await post_graphql(client, CREATE, {"input": {**VALID_CREATE, field: value}})

    assert validation_errors(answer) == [template.format(label)]


async def test_names_of_256_characters_are_accepted(client: TestClient[Any, Any]) -> None:
    long_name = {"firstName": "x" * 256, "lastName": "😀" * 256}

    answer = await post_graphql(client, CREATE, {"input": {**VALID_CREATE, **long_name}})

    assert answer["data"]["createUserAccount"]["version"] == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Email address cannot be empty"),
        ("   ", "Email address cannot be empty"),
        ("a\x01@example.com", "Email address contains invalid characters"),
        (
            "a" * 89 + "@example.com",
            "Email address is too long: 101 characters (max 100 characters)",
        ),
        ("taro.example.com", "Invalid email format"),
        ("taro@example.c", "Invalid email format"),
        ("taro@exam ple.com", "Invalid email format"),
    ],
)
async def test_create_reports_each_email_rule(
    client: TestClient[Any, Any], value: str, message: str
) -> None:
    answer = await post_graphql(client, CREATE, {"input": {**VALID_CREATE, "emailAddress": value}})

    assert validation_errors(answer) == [message]


async def test_an_escaped_lone_surrogate_in_json_is_an_invalid_character(
    client: TestClient[Any, Any],
) -> None:
    # json.dumps escapes the surrogate as \ud800, the way a client's JSON would carry it.
    answer = await post_graphql(
        client, CREATE, {"input": {**VALID_CREATE, "lastName": "Yama\ud800da"}}
    )

    assert validation_errors(answer) == ["Last name contains invalid characters"]


async def test_create_reports_every_field_in_input_order(client: TestClient[Any, Any]) -> None:
    answer = await post_graphql(
        client, CREATE, {"input": {"firstName": "", "lastName": "x" * 300, "emailAddress": "no"}}
    )

    assert validation_errors(answer) == [
        "First name cannot be empty",
        "Last name is too long",
        "Invalid email format",
    ]


ID_CASES = [
    ("", "User account ID cannot be empty"),
    ("01ARZ3NDEKTSV4RRFFQ69G5FA", "User account ID must be exactly 26 characters"),
    (" 01ARZ3NDEKTSV4RRFFQ69G5FAV", "User account ID must be exactly 26 characters"),
    ("01ARZ3NDEKTSV4RRFFQ69G5FAU", "Invalid user account ID format"),
    ("01ARZ3NDEKTSV4RRFFQ69G5FA!", "Invalid user account ID format"),
    ("81ARZ3NDEKTSV4RRFFQ69G5FAV", "Invalid user account ID format"),
]


@pytest.mark.parametrize(("value", "message"), ID_CASES)
async def test_delete_reports_each_id_rule(
    client: TestClient[Any, Any], value: str, message: str
) -> None:
    answer = await post_graphql(client, DELETE, {"input": {"userAccountId": value}})

    assert validation_errors(answer) == [message]


@pytest.mark.parametrize(("value", "message"), ID_CASES)
async def test_rename_reports_each_id_rule(
    client: TestClient[Any, Any], value: str, message: str
) -> None:
    answer = await post_graphql(client, RENAME, {"input": {"userAccountId": value, **VALID_NAME}})

    assert validation_errors(answer) == [message]


async def test_rename_reports_the_id_then_both_names(client: TestClient[Any, Any]) -> None:
    answer = await post_graphql(
        client,
        RENAME,
        {"input": {"userAccountId": "x", "firstName": " ", "lastName": "\x1b"}},
    )

    assert validation_errors(answer) == [
        "User account ID must be exactly 26 characters",
        "First name cannot be empty",
        "Last name contains invalid characters",
    ]


async def test_validation_comes_before_existence(client: TestClient[Any, Any]) -> None:
    answer = await post_graphql(
        client, RENAME, {"input": {"userAccountId": UNKNOWN_ID, "firstName": "", "lastName": "B"}}
    )

    assert validation_errors(answer) == ["First name cannot be empty"]


@pytest.mark.parametrize(
    ("document", "extra"), [(RENAME, VALID_NAME), (DELETE, {})], ids=["rename", "delete"]
)
async def test_commands_on_a_never_created_account_are_not_found(
    client: TestClient[Any, Any], document: str, extra: dict[str, str]
) -> None:
    answer = await post_graphql(client, document, {"input": {"userAccountId": UNKNOWN_ID, **extra}})

    assert answer["data"] is None
    assert only_error(answer)["message"] == "User account not found"
    assert error_code(answer) == "NOT_FOUND"


@pytest.mark.parametrize(
    ("document", "extra"),
    [(RENAME, {"firstName": "New", "lastName": "Name"}), (DELETE, {})],
    ids=["rename", "delete"],
)
async def test_commands_on_a_deleted_account_are_already_deleted(
    client: TestClient[Any, Any], document: str, extra: dict[str, str]
) -> None:
    account_id = await create_account(client)
    await post_graphql(client, DELETE, {"input": {"userAccountId": account_id}})

    answer = await post_graphql(client, document, {"input": {"userAccountId": account_id, **extra}})

    assert only_error(answer)["message"] == "User account is already deleted"
    assert error_code(answer) == "ALREADY_DELETED"


async def test_renaming_to_the_same_trimmed_name_is_same_name(
    client: TestClient[Any, Any], repository: InMemoryUserAccountRepository
) -> None:
    account_id = await create_account(client, "Taro", "Yamada")

    answer = await post_graphql(
        client,
        RENAME,
        {"input": {"userAccountId": account_id, "firstName": " Taro ", "lastName": "Yamada\n"}},
    )

    assert only_error(answer)["message"] == "The new name is the same as the current name"
    assert error_code(answer) == "SAME_NAME"
    assert len(await repository.events_of(UserAccountId(account_id))) == 1


async def test_a_rename_of_one_name_only_is_accepted(client: TestClient[Any, Any]) -> None:
    account_id = await create_account(client, "Taro", "Yamada")

    answer = await post_graphql(
        client,
        RENAME,
        {"input": {"userAccountId": account_id, "firstName": "Taro", "lastName": "yamada"}},
    )

    assert answer["data"]["renameUserAccount"]["version"] == 2


async def test_an_aggregate_that_keeps_changing_is_a_concurrency_conflict(
    client: TestClient[Any, Any], command_container: CommandApiContainer
) -> None:
    conflicting = AlwaysConflictingRepository()
    with command_container.repository.override(providers.Object(conflicting)):
        answer = await post_graphql(client, CREATE, {"input": VALID_CREATE})

    assert answer["data"] is None
    error = only_error(answer)
    assert error["message"] == "User account was changed concurrently; please retry"
    assert error["extensions"] == {"code": "CONCURRENCY_CONFLICT"}
    assert conflicting.store_attempts == 5
