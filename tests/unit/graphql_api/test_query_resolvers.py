"""The Query API's resolvers, called directly with a fake use case: the query each builds, rows
mapped to UserAccount payloads, None, and validation failures."""

from datetime import UTC, datetime
from typing import Any

import pytest
from returns.result import Failure, Result, Success

from domain.user_account import UserAccountId, ValidationFailed
from infrastructure.graphql_engine import CodedError
from interface_adapter.graphql.query.payloads import user_account_payload
from interface_adapter.graphql.query.resolvers import (
    resolve_get_user_account,
    resolve_get_user_accounts,
    resolve_get_user_accounts_by_ids,
    resolve_search_user_accounts,
)
from use_case.ports import UserAccountRow
from use_case.user_account_query.get_user_account import GetUserAccount
from use_case.user_account_query.get_user_accounts import GetUserAccounts
from use_case.user_account_query.get_user_accounts_by_ids import GetUserAccountsByIds
from use_case.user_account_query.search_user_accounts import SearchUserAccounts

pytestmark = pytest.mark.unit

CREATED = datetime(2026, 11, 26, 3, 4, 5, 123456, tzinfo=UTC)
UPDATED = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)
TARO = UserAccountRow(
    id=UserAccountId("01KB2Z3Y4X5W6V7T8S9R0Q1P2N"),
    first_name="Taro",
    last_name="Yamada",
    email_address="taro@example.com",
    created_at=CREATED,
    updated_at=UPDATED,
    version=3,
)
JIRO = UserAccountRow(
    id=UserAccountId("01KB2Z3Y4X5W6V7T8S9R0Q1P2P"),
    first_name="Jiro",
    last_name="Suzuki",
    email_address="jiro@example.com",
    created_at=CREATED,
    updated_at=CREATED,
    version=1,
)
TARO_PAYLOAD = {
    "id": "01KB2Z3Y4X5W6V7T8S9R0Q1P2N",
    "firstName": "Taro",
    "lastName": "Yamada",
    "fullName": "Taro Yamada",
    "emailAddress": "taro@example.com",
    "createdAt": CREATED,
    "updatedAt": UPDATED,
    "version": 3,
}


class FakeUseCase:
    """Answers `outcome` and keeps every query it was given."""

    def __init__(self, outcome: Result[Any, ValidationFailed]) -> None:
        self.outcome = outcome
        self.queries: list[object] = []

    async def __call__(self, query: object) -> Result[Any, ValidationFailed]:
        self.queries.append(query)
        return self.outcome


def test_a_row_becomes_the_schemas_user_account() -> None:
    assert user_account_payload(TARO) == TARO_PAYLOAD


async def test_get_user_account_answers_the_row_as_a_payload() -> None:
    use_case = FakeUseCase(Success(TARO))

    payload = await resolve_get_user_account(
        None, {"userAccountId": "01kb"}, {}, None, use_case=use_case
    )

    assert payload == TARO_PAYLOAD
    assert use_case.queries == [GetUserAccount(user_account_id="01kb")]


async def test_get_user_account_answers_none_for_no_row() -> None:
    payload = await resolve_get_user_account(
        None, {"userAccountId": "x"}, {}, None, use_case=FakeUseCase(Success(None))
    )

    assert payload is None


async def test_get_user_accounts_passes_the_page_and_keeps_the_rows_order() -> None:
    use_case = FakeUseCase(Success([JIRO, TARO]))

    payload = await resolve_get_user_accounts(
        None, {"first": 2, "after": "01KA"}, {}, None, use_case=use_case
    )

    assert payload == [user_account_payload(JIRO), TARO_PAYLOAD]
    assert use_case.queries == [GetUserAccounts(first=2, after="01KA")]


async def test_get_user_accounts_without_arguments_asks_for_the_defaults() -> None:
    use_case = FakeUseCase(Success([]))

    payload = await resolve_get_user_accounts(None, {}, {}, None, use_case=use_case)

    assert payload == []
    assert use_case.queries == [GetUserAccounts(first=None, after=None)]


async def test_get_user_accounts_by_ids_passes_the_ids() -> None:
    use_case = FakeUseCase(Success([TARO]))

    payload = await resolve_get_user_accounts_by_ids(
        None, {"userAccountIds": ["a", "b"]}, {}, None, use_case=use_case
    )

    assert payload == [TARO_PAYLOAD]
    assert use_case.queries == [GetUserAccountsByIds(user_account_ids=["a", "b"])]


async def test_search_passes_the_term_and_the_page_size() -> None:
    use_case = FakeUseCase(Success([TARO]))

    payload = await resolve_search_user_accounts(
        None, {"searchTerm": "yama", "first": 5}, {}, None, use_case=use_case
    )

    assert payload == [TARO_PAYLOAD]
    assert use_case.queries == [SearchUserAccounts(search_term="yama", first=5)]


async def call(resolver: Any, args: dict[str, Any], use_case: FakeUseCase) -> Any:
    return await resolver(None, args, {}, None, use_case=use_case)


@pytest.mark.parametrize(
    ("resolver", "args"),
    [
        (resolve_get_user_account, {"userAccountId": "x"}),
        (resolve_get_user_accounts, {"first": 0}),
        (resolve_get_user_accounts_by_ids, {"userAccountIds": []}),
        (resolve_search_user_accounts, {"searchTerm": "x"}),
    ],
)
async def test_a_validation_failure_is_a_validation_error(
    resolver: Any, args: dict[str, Any]
) -> None:
    messages = ("first must be between 1 and 1000", "Invalid user account id")

    with pytest.raises(CodedError) as raised:
        await call(resolver, args, FakeUseCase(Failure(ValidationFailed(messages))))

    assert raised.value.code == "VALIDATION_ERROR"
    assert raised.value.message == "first must be between 1 and 1000, Invalid user account id"
    assert raised.value.extensions == {"code": "VALIDATION_ERROR", "errors": list(messages)}
