"""The Command API's resolvers, called directly with a fake use case: the command each builds,
the payload of an accepted command, and the error of every refusal."""

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
from interface_adapter.graphql.command.resolvers import (
    resolve_command_api_version,
    resolve_create_user_account,
    resolve_delete_user_account,
    resolve_rename_user_account,
)
from use_case.user_account.create_user_account import CreateUserAccount
from use_case.user_account.delete_user_account import DeleteUserAccount
from use_case.user_account.outcome import CommandAccepted, CommandRejected, ConcurrencyConflict
from use_case.user_account.rename_user_account import RenameUserAccount

pytestmark = pytest.mark.unit

ACCOUNT_ID = "01KB2Z3Y4X5W6V7T8S9R0Q1P2N"
Outcome = Result[CommandAccepted, CommandRejected]


class FakeUseCase:
    """Answers `outcome` and keeps every command it was given."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.commands: list[object] = []

    async def __call__(self, command: object) -> Outcome:
        self.commands.append(command)
        return self.outcome


CREATE_INPUT = {"firstName": "Taro", "lastName": "Yamada", "emailAddress": "taro@example.com"}
RENAME_INPUT = {"userAccountId": ACCOUNT_ID, "firstName": "Jiro", "lastName": "Suzuki"}
DELETE_INPUT = {"userAccountId": ACCOUNT_ID}


async def create(use_case: FakeUseCase) -> Any:
    return await resolve_create_user_account(
        None, {"input": CREATE_INPUT}, {}, None, use_case=use_case
    )


async def rename(use_case: FakeUseCase) -> Any:
    return await resolve_rename_user_account(
        None, {"input": RENAME_INPUT}, {}, None, use_case=use_case
    )


async def delete(use_case: FakeUseCase) -> Any:
    return await resolve_delete_user_account(
        None, {"input": DELETE_INPUT}, {}, None, use_case=use_case
    )


RESOLVERS = [create, rename, delete]


async def test_create_builds_the_command_from_the_input_and_answers_id_and_version() -> None:
    use_case = FakeUseCase(Success(CommandAccepted(ACCOUNT_ID, 1)))

    payload = await create(use_case)

    assert payload == {"id": ACCOUNT_ID, "version": 1}
    assert use_case.commands == [CreateUserAccount("Taro", "Yamada", "taro@example.com")]


async def test_rename_builds_the_command_from_the_input_and_answers_id_and_version() -> None:
    use_case = FakeUseCase(Success(CommandAccepted(ACCOUNT_ID, 2)))

    payload = await rename(use_case)

    assert payload == {"id": ACCOUNT_ID, "version": 2}
    assert use_case.commands == [RenameUserAccount(ACCOUNT_ID, "Jiro", "Suzuki")]


async def test_delete_builds_the_command_from_the_input_and_answers_id_and_version() -> None:
    use_case = FakeUseCase(Success(CommandAccepted(ACCOUNT_ID, 3)))

    payload = await delete(use_case)

    assert payload == {"id": ACCOUNT_ID, "version": 3}
    assert use_case.commands == [DeleteUserAccount(ACCOUNT_ID)]


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
