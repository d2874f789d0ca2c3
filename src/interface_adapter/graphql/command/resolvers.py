"""Thin resolvers: GraphQL input → command → use case → {id, version} or a coded error.
Use cases come from the app's container through dependency-injector wiring (string ids), so
this module never imports an app."""

from collections.abc import Mapping
from functools import cache
from importlib.metadata import version
from typing import Any

from dependency_injector.wiring import Provide, inject
from returns.result import Failure, Result, Success

from infrastructure.graphql_engine import Resolver
from interface_adapter.graphql.caller_context import caller_of
from interface_adapter.graphql.command import COMMAND_SCHEMA_NAME as SCHEMA_NAME
from interface_adapter.graphql.command.error_mapping import rejection_error
from use_case.user_account.create_user_account import (
    CreateUserAccount,
    CreateUserAccountUseCase,
)
from use_case.user_account.delete_user_account import (
    DeleteUserAccount,
    DeleteUserAccountUseCase,
)
from use_case.user_account.erase_user_account import (
    EraseUserAccount,
    EraseUserAccountUseCase,
)
from use_case.user_account.outcome import CommandAccepted, CommandRejected
from use_case.user_account.rename_user_account import (
    RenameUserAccount,
    RenameUserAccountUseCase,
)

PACKAGE_NAME = "pcqrses"

Args = dict[str, Any]
Context = Mapping[str, object]
Payload = dict[str, object]


def _payload(outcome: Result[CommandAccepted, CommandRejected]) -> Payload:
    match outcome:
        case Success(CommandAccepted(id=account_id, version=account_version)):
            return {"id": account_id, "version": account_version}
        case Failure(rejection):
            raise rejection_error(rejection)
    raise AssertionError(f"unexpected outcome {outcome!r}")  # pragma: no cover


@Resolver("Query.commandApiVersion", schema_name=SCHEMA_NAME)
async def resolve_command_api_version(parent: object, args: Args, ctx: object, info: object) -> str:
    return _package_version()


@cache
def _package_version() -> str:
    return version(PACKAGE_NAME)


# `@Resolver` stays outermost on each resolver: tartiflette must register the function that
# @inject wraps.
@Resolver("Mutation.createUserAccount", schema_name=SCHEMA_NAME)
@inject
async def resolve_create_user_account(
    parent: object,
    args: Args,
    ctx: Context,
    info: object,
    use_case: CreateUserAccountUseCase = Provide["create_user_account"],
) -> Payload:
    data = args["input"]
    command = CreateUserAccount(
        first_name=data["firstName"],
        last_name=data["lastName"],
        email_address=data["emailAddress"],
    )
    return _payload(await use_case(caller_of(ctx), command))


@Resolver("Mutation.renameUserAccount", schema_name=SCHEMA_NAME)
@inject
async def resolve_rename_user_account(
    parent: object,
    args: Args,
    ctx: Context,
    info: object,
    use_case: RenameUserAccountUseCase = Provide["rename_user_account"],
) -> Payload:
    data = args["input"]
    command = RenameUserAccount(
        user_account_id=data["userAccountId"],
        first_name=data["firstName"],
        last_name=data["lastName"],
    )
    return _payload(await use_case(caller_of(ctx), command))


@Resolver("Mutation.deleteUserAccount", schema_name=SCHEMA_NAME)
@inject
async def resolve_delete_user_account(
    parent: object,
    args: Args,
    ctx: Context,
    info: object,
    use_case: DeleteUserAccountUseCase = Provide["delete_user_account"],
) -> Payload:
    command = DeleteUserAccount(user_account_id=args["input"]["userAccountId"])
    return _payload(await use_case(caller_of(ctx), command))


@Resolver("Mutation.eraseUserAccount", schema_name=SCHEMA_NAME)
@inject
async def resolve_erase_user_account(
    parent: object,
    args: Args,
    ctx: Context,
    info: object,
    use_case: EraseUserAccountUseCase = Provide["erase_user_account"],
) -> Payload:
    command = EraseUserAccount(user_account_id=args["input"]["userAccountId"])
    return _payload(await use_case(caller_of(ctx), command))
