"""Thin resolvers: GraphQL arguments → query → use case → UserAccount objects or a coded error.
Use cases come from the app's container through dependency-injector wiring (string ids), so
this module never imports an app."""

from collections.abc import Mapping
from typing import Any, TypeVar

from dependency_injector.wiring import Provide, inject
from returns.result import Failure, Result

from domain.user_account import ValidationFailed
from infrastructure.graphql_engine import Resolver
from interface_adapter.graphql.caller_context import caller_of
from interface_adapter.graphql.query import QUERY_SCHEMA_NAME as SCHEMA_NAME
from interface_adapter.graphql.query.error_mapping import refusal_error
from interface_adapter.graphql.query.payloads import UserAccountPayload, user_account_payload
from use_case.ports import UserAccountRow
from use_case.user_account_access import Forbidden
from use_case.user_account_query.get_user_account import GetUserAccount, GetUserAccountUseCase
from use_case.user_account_query.get_user_accounts import (
    GetUserAccounts,
    GetUserAccountsUseCase,
)
from use_case.user_account_query.get_user_accounts_by_ids import (
    GetUserAccountsByIds,
    GetUserAccountsByIdsUseCase,
)
from use_case.user_account_query.search_user_accounts import (
    SearchUserAccounts,
    SearchUserAccountsUseCase,
)

Args = dict[str, Any]
Context = Mapping[str, object]
_T = TypeVar("_T")


def _unwrap(outcome: Result[_T, ValidationFailed | Forbidden]) -> _T:
    if isinstance(outcome, Failure):
        raise refusal_error(outcome.failure())
    return outcome.unwrap()


def _payloads(rows: list[UserAccountRow]) -> list[UserAccountPayload]:
    return [user_account_payload(row) for row in rows]


# `@Resolver` stays outermost on each resolver: tartiflette must register the function that
# @inject wraps.
@Resolver("Query.getUserAccount", schema_name=SCHEMA_NAME)
@inject
async def resolve_get_user_account(
    parent: object,
    args: Args,
    ctx: Context,
    info: object,
    use_case: GetUserAccountUseCase = Provide["get_user_account"],
) -> UserAccountPayload | None:
    row = _unwrap(
        await use_case(caller_of(ctx), GetUserAccount(user_account_id=args["userAccountId"]))
    )
    return None if row is None else user_account_payload(row)


@Resolver("Query.getUserAccounts", schema_name=SCHEMA_NAME)
@inject
async def resolve_get_user_accounts(
    parent: object,
    args: Args,
    ctx: Context,
    info: object,
    use_case: GetUserAccountsUseCase = Provide["get_user_accounts"],
) -> list[UserAccountPayload]:
    query = GetUserAccounts(first=args.get("first"), after=args.get("after"))
    return _payloads(_unwrap(await use_case(caller_of(ctx), query)))


@Resolver("Query.getUserAccountsByIds", schema_name=SCHEMA_NAME)
@inject
async def resolve_get_user_accounts_by_ids(
    parent: object,
    args: Args,
    ctx: Context,
    info: object,
    use_case: GetUserAccountsByIdsUseCase = Provide["get_user_accounts_by_ids"],
) -> list[UserAccountPayload]:
    query = GetUserAccountsByIds(user_account_ids=args["userAccountIds"])
    return _payloads(_unwrap(await use_case(caller_of(ctx), query)))


@Resolver("Query.searchUserAccounts", schema_name=SCHEMA_NAME)
@inject
async def resolve_search_user_accounts(
    parent: object,
    args: Args,
    ctx: Context,
    info: object,
    use_case: SearchUserAccountsUseCase = Provide["search_user_accounts"],
) -> list[UserAccountPayload]:
    query = SearchUserAccounts(search_term=args["searchTerm"], first=args.get("first"))
    return _payloads(_unwrap(await use_case(caller_of(ctx), query)))
