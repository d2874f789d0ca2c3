"""The Command API's resolvers, called directly with a fake use case: the command each builds,
the caller it passes on, the payload of an accepted command, and the error of every refusal."""

from collections.abc import Mapping
from importlib.metadata import version
from typing import Any

import pytest
from returns.result import Failure, Result, Success

from domain.user_account import (
    AlreadyCreated,
    AlreadyDeleted,
    NotFound,
    SameName,
    ValidationFailed,
)
from infrastructure.graphql_engine import CodedError
from interface_adapter.graphql.caller_context import CALLER
from interface_adapter.graphql.command.resolvers import (
    resolve_command_api_version,
    resolve_create_user_account,
    resolve_delete_user_account,
    resolve_erase_user_account,
    resolve_rename_user_account,
)
from use_case.caller import Caller
from use_case.user_account.create_user_account import CreateUserAccount
from use_case.user_account.delete_user_account import DeleteUserAccount
from use_case.user_account.erase_user_account import EraseUserAccount
from use_case.user_account.outcome import CommandAccepted, CommandRejected, ConcurrencyConflict
from use_case.user_account.rename_user_account import RenameUserAccount

pytestmark = pytest.mark.unit

ACCOUNT_ID = "01KB2Z3Y4X5W6V7T8S9R0Q1P2N"
Outcome = Result[CommandAccepted, CommandRejected]
TARO = Caller("auth0|taro", admin=False)
CONTEXT = {CALLER: TARO}


class FakeUseCase:
    """Answers `outcome` and keeps every command it was given, and by whom."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.commands: list[object] = []
        self.callers: list[Caller] = []

    async def __call__(self, caller: Caller, command: object) -> Outcome:
        self.callers.append(caller)
        self.commands.append(command)
        return self.outcome


CREATE_INPUT = {"firstName": "Taro", "lastName": "Yamada", "emailAddress": "taro@example.com"}
RENAME_INPUT = {"userAccountId": ACCOUNT_ID, "firstName": "Jiro", "lastName": "Suzuki"}
DELETE_INPUT = {"userAccountId": ACCOUNT_ID}


async def create(use_case: FakeUseCase, context: Mapping[str, object] = CONTEXT) -> Any:
    return await resolve_create_user_account(
        None, {"input": CREATE_INPUT}, context, None, use_case=use_case
    )


async def rename(use_case: FakeUseCase, context: Mapping[str, object] = CONTEXT) -> Any:
    return await resolve_rename_user_account(
        None, {"input": RENAME_INPUT}, context, None, use_case=use_case
    )


async def delete(use_case: FakeUseCase, context: Mapping[str, object] = CONTEXT) -> Any:
    return await resolve_delete_user_account(
        None, {"input": DELETE_INPUT}, context, None, use_case=use_case
    )


async def erase(use_case: FakeUseCase, context: Mapping[str, object] = CONTEXT) -> Any:
    return await resolve_erase_user_account(
        None, {"input": DELETE_INPUT}, context, None, use_case=use_case
    )


RESOLVERS = [create, rename, delete, erase]


async def test_create_builds_the_command_from_the_input_and_answers_id_and_version() -> None:
    use_case = FakeUseCase(Success(CommandAccepted(ACCOUNT_ID, 1)))

    payload = await create(use_case)

    assert payload == {"id": ACCOUNT_ID, "version": 1}
    assert use_case.commands == [CreateUserAccount("Taro", "Yamada", "taro@example.com")]
    assert use_case.callers == [TARO]


async def test_rename_builds_the_command_from_the_input_and_answers_id_and_version() -> None:
    use_case = FakeUseCase(Success(CommandAccepted(ACCOUNT_ID, 2)))

    payload = await rename(use_case)

    assert payload == {"id": ACCOUNT_ID, "version": 2}
    assert use_case.commands == [RenameUserAccount(ACCOUNT_ID, "Jiro", "Suzuki")]
    assert use_case.callers == [TARO]


async def test_delete_builds_the_command_from_the_input_and_answers_id_and_version() -> None:
    use_case = FakeUseCase(Success(CommandAccepted(ACCOUNT_ID, 3)))

    payload = await delete(use_case)

    assert payload == {"id": ACCOUNT_ID, "version": 3}
    assert use_case.commands == [DeleteUserAccount(ACCOUNT_ID)]
    assert use_case.callers == [TARO]


async def test_erase_builds_the_command_from_the_input_and_answers_id_and_version() -> None:
    use_case = FakeUseCase(Success(CommandAccepted(ACCOUNT_ID, 4)))

    payload = await erase(use_case)

    assert payload == {"id": ACCOUNT_ID, "version": 4}
    assert use_case.commands == [EraseUserAccount(ACCOUNT_ID)]
    assert use_case.callers == [TARO]


@pytest.mark.parametrize("resolve", RESOLVERS)
@pytest.mark.parametrize("context", [{}, {CALLER: None}, {CALLER: "auth0|taro"}])
async def test_a_context_without_a_caller_runs_nothing(
    resolve: Any, context: dict[str, object]
) -> None:
    # No caller is a bug of the app, never a guess (an admin, say): nothing is run.
    use_case = FakeUseCase(Success(CommandAccepted(ACCOUNT_ID, 1)))

    with pytest.raises((KeyError, TypeError)):
        await resolve(use_case, context)

    assert use_case.commands == []


# (rejection, code, message, the rest of extensions)
REFUSALS = [
    (
        ValidationFailed(("First name cannot be empty", "Invalid email format")),
        "VALIDATION_ERROR",
        "First name cannot be empty, Invalid email format",
        {"errors": ["First name cannot be empty", "Invalid email format"]},
    ),
    (NotFound(), "NOT_FOUND", "User account not found", {}),
    (AlreadyDeleted(), "ALREADY_DELETED", "User account is already deleted", {}),
    (SameName(), "SAME_NAME", "The new name is the same as the current name", {}),
    (
        ConcurrencyConflict(attempts=5),
        "CONCURRENCY_CONFLICT",
        "User account was changed concurrently; please retry",
        {},
    ),
]


@pytest.mark.parametrize("resolve", RESOLVERS)
@pytest.mark.parametrize(("rejection", "code", "message", "more"), REFUSALS)
async def test_a_refusal_is_a_coded_error(
    resolve: Any, rejection: CommandRejected, code: str, message: str, more: dict[str, Any]
) -> None:
    with pytest.raises(CodedError) as raised:
        await resolve(FakeUseCase(Failure(rejection)))

    assert raised.value.code == code
    assert raised.value.message == message
    assert raised.value.extensions == {"code": code, **more}


@pytest.mark.parametrize("resolve", RESOLVERS)
async def test_already_created_is_a_bug_not_a_coded_error(resolve: Any) -> None:
    # Not a CodedError: the engine answers INTERNAL_ERROR and logs the details.
    with pytest.raises(RuntimeError) as raised:
        await resolve(FakeUseCase(Failure(AlreadyCreated())))

    assert not isinstance(raised.value, CodedError)


async def test_the_api_version_is_the_package_version() -> None:
    assert await resolve_command_api_version(None, {}, {}, None) == version("pcqrses")
