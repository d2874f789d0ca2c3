"""The Query API's resolvers, called directly with a fake use case: the query each builds, the
caller it passes on, rows mapped to UserAccount payloads, None, validation failures, FORBIDDEN."""

from datetime import UTC, datetime
from typing import Any

import pytest
from returns.result import Failure, Result, Success

from domain.user_account import UserAccountId, ValidationFailed
from infrastructure.graphql_engine import CodedError
from interface_adapter.graphql.caller_context import CALLER
from interface_adapter.graphql.query.payloads import user_account_payload
from interface_adapter.graphql.query.resolvers import (
    resolve_get_user_account,
    resolve_get_user_accounts,
    resolve_get_user_accounts_by_ids,
    resolve_search_user_accounts,
)
from use_case.caller import Caller
from use_case.ports import UserAccountRow
from use_case.user_account_access import Forbidden
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
    owner="auth0|taro",
)
JIRO = UserAccountRow(
    id=UserAccountId("01KB2Z3Y4X5W6V7T8S9R0Q1P2P"),
    first_name="Jiro",
    last_name="Suzuki",
    email_address="jiro@example.com",
    created_at=CREATED,
    updated_at=CREATED,
    version=1,
    owner=None,
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


ADMIN = Caller("auth0|root", admin=True)
CONTEXT = {CALLER: ADMIN}


class FakeUseCase:
    """Answers `outcome` and keeps every query it was given, and by whom."""

    def __init__(self, outcome: Result[Any, ValidationFailed | Forbidden]) -> None:
        self.outcome = outcome
        self.queries: list[object] = []
        self.callers: list[Caller] = []

    async def __call__(
        self, caller: Caller, query: object
    ) -> Result[Any, ValidationFailed | Forbidden]:
        self.callers.append(caller)
        self.queries.append(query)
        return self.outcome


def test_a_row_becomes_the_schemas_user_account() -> None:
    assert user_account_payload(TARO) == TARO_PAYLOAD


async def test_get_user_account_answers_the_row_as_a_payload() -> None:
    use_case = FakeUseCase(Success(TARO))

    payload = await resolve_get_user_account(
        None, {"userAccountId": "01kb"}, CONTEXT, None, use_case=use_case
    )

    assert payload == TARO_PAYLOAD
    assert use_case.queries == [GetUserAccount(user_account_id="01kb")]
    assert use_case.callers == [ADMIN]


async def test_get_user_account_answers_none_for_no_row() -> None:
    payload = await resolve_get_user_account(
        None, {"userAccountId": "x"}, CONTEXT, None, use_case=FakeUseCase(Success(None))
    )

    assert payload is None


async def test_get_user_accounts_passes_the_page_and_keeps_the_rows_order() -> None:
    use_case = FakeUseCase(Success([JIRO, TARO]))

    payload = await resolve_get_user_accounts(
        None, {"first": 2, "after": "01KA"}, CONTEXT, None, use_case=use_case
    )

    assert payload == [user_account_payload(JIRO), TARO_PAYLOAD]
    assert use_case.queries == [GetUserAccounts(first=2, after="01KA")]


async def test_get_user_accounts_without_arguments_asks_for_the_defaults() -> None:
    use_case = FakeUseCase(Success([]))

    payload = await resolve_get_user_accounts(None, {}, CONTEXT, None, use_case=use_case)

    assert payload == []
    assert use_case.queries == [GetUserAccounts(first=None, after=None)]


async def test_get_user_accounts_by_ids_passes_the_ids() -> None:
    use_case = FakeUseCase(Success([TARO]))

    payload = await resolve_get_user_accounts_by_ids(
        None, {"userAccountIds": ["a", "b"]}, CONTEXT, None, use_case=use_case
    )

    assert payload == [TARO_PAYLOAD]
    assert use_case.queries == [GetUserAccountsByIds(user_account_ids=["a", "b"])]


async def test_search_passes_the_term_and_the_page_size() -> None:
    use_case = FakeUseCase(Success([TARO]))

    payload = await resolve_search_user_accounts(
        None, {"searchTerm": "yama", "first": 5}, CONTEXT, None, use_case=use_case
    )

    assert payload == [TARO_PAYLOAD]
    assert use_case.queries == [SearchUserAccounts(search_term="yama", first=5)]


async def call(resolver: Any, args: dict[str, Any], use_case: FakeUseCase) -> Any:
    return await resolver(None, args, CONTEXT, None, use_case=use_case)


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


RESOLVERS_AND_ARGS = [
    (resolve_get_user_account, {"userAccountId": "x"}),
    (resolve_get_user_accounts, {}),
    (resolve_get_user_accounts_by_ids, {"userAccountIds": ["x"]}),
    (resolve_search_user_accounts, {"searchTerm": "yama"}),
]


@pytest.mark.parametrize(("resolver", "args"), RESOLVERS_AND_ARGS)
async def test_every_resolver_passes_the_contexts_caller(
    resolver: Any, args: dict[str, Any]
) -> None:
    someone = Caller("auth0|jiro", admin=False)
    use_case = FakeUseCase(Success(None if resolver is resolve_get_user_account else []))

    await resolver(None, args, {CALLER: someone}, None, use_case=use_case)

    assert use_case.callers == [someone]


@pytest.mark.parametrize(("resolver", "args"), RESOLVERS_AND_ARGS)
async def test_a_context_without_a_caller_runs_nothing(resolver: Any, args: dict[str, Any]) -> None:
    use_case = FakeUseCase(Success([]))

    with pytest.raises(KeyError):
        await resolver(None, args, {}, None, use_case=use_case)

    assert use_case.queries == []


@pytest.mark.parametrize("resolver", [resolve_get_user_accounts, resolve_search_user_accounts])
async def test_forbidden_is_the_forbidden_error_of_spec(resolver: Any) -> None:
    with pytest.raises(CodedError) as raised:
        await call(resolver, {"searchTerm": "yama"}, FakeUseCase(Failure(Forbidden())))

    assert raised.value.code == "FORBIDDEN"
    assert raised.value.message == "Only administrators may list or search user accounts"
    assert raised.value.extensions == {"code": "FORBIDDEN"}
