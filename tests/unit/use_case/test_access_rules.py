"""SPEC §8.2 by example: owners, admins, AUTH_MODE=off, the order of refusals, the cache."""

from collections.abc import Sequence
from dataclasses import replace

import pytest
from returns.result import Failure, Success

from domain.user_account import (
    AlreadyDeleted,
    NotFound,
    SameName,
    UserAccount,
    UserAccountEvent,
    UserAccountId,
    UserAccountState,
    ValidationFailed,
)
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from tests.support.callers import ADMIN, ALICE, BOB, NO_AUTH
from tests.support.fakes import CountingIdGenerator, SteppingClock
from use_case.caller import Caller
from use_case.user_account.aggregate_cache import AggregateCache
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.create_user_account import CreateUserAccount, CreateUserAccountUseCase
from use_case.user_account.delete_user_account import DeleteUserAccount, DeleteUserAccountUseCase
from use_case.user_account.rename_user_account import RenameUserAccount, RenameUserAccountUseCase
from use_case.user_account_access import Forbidden, may_access, owner_of_new_account
from use_case.user_account_projection.project_events import ProjectUserAccountEvents
from use_case.user_account_query.get_user_account import GetUserAccount, GetUserAccountUseCase
from use_case.user_account_query.get_user_accounts import GetUserAccounts, GetUserAccountsUseCase
from use_case.user_account_query.get_user_accounts_by_ids import (
    GetUserAccountsByIds,
    GetUserAccountsByIdsUseCase,
)
from use_case.user_account_query.search_user_accounts import (
    SearchUserAccounts,
    SearchUserAccountsUseCase,
)

pytestmark = pytest.mark.unit


class CountingRepository(InMemoryUserAccountRepository):
    """The in-memory journal, counting loads and appends."""

    def __init__(self) -> None:
        super().__init__(InMemoryDataKeys())
        self.loads = 0
        self.stores = 0

    async def load(self, aggregate_id: UserAccountId) -> UserAccountState:
        self.loads += 1
        return await super().load(aggregate_id)

    async def store(self, expected_version: int, events: Sequence[UserAccountEvent]) -> None:
        self.stores += 1
        await super().store(expected_version, events)


class Service:
    """The command and query use cases over one in-memory journal and read model."""

    def __init__(self, cache_size: int = 100) -> None:
        self.repository = CountingRepository()
        self.read_model = InMemoryUserAccountReadModel()
        project = ProjectUserAccountEvents(self.read_model, self.repository)

        async def feed(events: Sequence[UserAccountEvent]) -> None:
            await project(events)

        self.repository.subscribe(feed)
        self.cache = AggregateCache(cache_size)
        runner = CommandRunner(
            self.repository, SteppingClock(), CountingIdGenerator(), cache=self.cache
        )
        self.create = CreateUserAccountUseCase(runner)
        self.rename = RenameUserAccountUseCase(runner)
        self.delete = DeleteUserAccountUseCase(runner)
        self.get = GetUserAccountUseCase(self.read_model)
        self.list = GetUserAccountsUseCase(self.read_model)
        self.by_ids = GetUserAccountsByIdsUseCase(self.read_model)
        self.search = SearchUserAccountsUseCase(self.read_model)

    async def created_by(self, caller: Caller, last: str = "Yamada") -> str:
        outcome = await self.create(caller, CreateUserAccount("Taro", last, "taro@example.com"))
        return outcome.unwrap().id

    async def state(self, account_id: str) -> UserAccountState:
        return await InMemoryUserAccountRepository.load(self.repository, UserAccountId(account_id))


# --- owners ----------------------------------------------------------------------------------


async def test_the_creator_owns_what_it_creates_an_admin_too() -> None:
    service = Service()
    for caller in (ALICE, ADMIN):
        state = await service.state(await service.created_by(caller))
        assert isinstance(state, UserAccount)
        assert state.owner == caller.subject


async def test_with_auth_mode_off_no_owner_is_recorded() -> None:
    service = Service()
    state = await service.state(await service.created_by(NO_AUTH))
    assert isinstance(state, UserAccount)
    assert state.owner is None


def test_an_empty_subject_owns_nothing() -> None:
    nobody = Caller("", admin=False)
    assert owner_of_new_account(nobody) is None
    assert not may_access(nobody, None)


# --- commands ----------------------------------------------------------------------------------


async def test_another_subject_meets_not_found_and_changes_nothing() -> None:
    service = Service()
    account_id = await service.created_by(ALICE)
    before = await service.repository.events_of(UserAccountId(account_id))

    renamed = await service.rename(BOB, RenameUserAccount(account_id, "Jiro", "Sato"))
    deleted = await service.delete(BOB, DeleteUserAccount(account_id))

    assert (renamed, deleted) == (Failure(NotFound()), Failure(NotFound()))
    assert await service.repository.events_of(UserAccountId(account_id)) == before


async def test_the_owner_and_any_admin_may_change_an_account() -> None:
    service = Service()
    account_id = await service.created_by(ALICE)

    renamed = await service.rename(ALICE, RenameUserAccount(account_id, "Jiro", "Sato"))
    by_admin = await service.rename(ADMIN, RenameUserAccount(account_id, "Ken", "Sato"))
    with_auth_off = await service.rename(NO_AUTH, RenameUserAccount(account_id, "Jo", "Sato"))
    deleted = await service.delete(ADMIN, DeleteUserAccount(account_id))

    versions = [outcome.unwrap().version for outcome in (renamed, by_admin, with_auth_off, deleted)]
    assert versions == [2, 3, 4, 5]


async def test_an_account_without_owner_is_an_admins_business_only() -> None:
    service = Service()
    account_id = await service.created_by(NO_AUTH)

    by_alice = await service.rename(ALICE, RenameUserAccount(account_id, "Jiro", "Sato"))
    by_admin = await service.rename(ADMIN, RenameUserAccount(account_id, "Jiro", "Sato"))

    assert by_alice == Failure(NotFound())
    assert by_admin.unwrap().version == 2


async def test_the_order_is_validation_then_visibility_then_deleted_then_differs() -> None:
    service = Service()
    account_id = await service.created_by(ALICE)
    await service.delete(ALICE, DeleteUserAccount(account_id))

    # Validation comes first, whoever the account's owner is.
    invalid = await service.rename(BOB, RenameUserAccount(account_id, "", "Sato"))
    # Another's deleted account does not exist for BOB: not ALREADY_DELETED, which would tell.
    by_bob = await service.rename(BOB, RenameUserAccount(account_id, "Taro", "Yamada"))
    by_alice = await service.rename(ALICE, RenameUserAccount(account_id, "Taro", "Yamada"))

    assert invalid == Failure(ValidationFailed(("First name cannot be empty",)))
    assert by_bob == Failure(NotFound())
    assert by_alice == Failure(AlreadyDeleted())


async def test_the_same_name_is_told_only_to_who_may_see_the_account() -> None:
    service = Service()
    account_id = await service.created_by(ALICE)

    by_bob = await service.rename(BOB, RenameUserAccount(account_id, "Taro", "Yamada"))
    by_alice = await service.rename(ALICE, RenameUserAccount(account_id, "Taro", "Yamada"))

    assert (by_bob, by_alice) == (Failure(NotFound()), Failure(SameName()))


async def test_an_ownership_refusal_on_a_cached_state_is_confirmed_on_the_loaded_state() -> None:
    service = Service()
    account_id = await service.created_by(ALICE)
    cached = service.cache.get(UserAccountId(account_id))
    assert isinstance(cached, UserAccount)
    # A wrong guess (owners never change, but a guess is never the truth): BOB's, it says.
    service.cache.put(replace(cached, owner=BOB.subject))
    service.repository.loads = 0

    renamed = await service.rename(ALICE, RenameUserAccount(account_id, "Jiro", "Sato"))

    assert renamed.unwrap().version == 2
    assert service.repository.loads == 1


async def test_an_ownership_refusal_confirmed_by_the_loaded_state_is_answered() -> None:
    service = Service()
    account_id = await service.created_by(ALICE)
    service.repository.loads = 0

    renamed = await service.rename(BOB, RenameUserAccount(account_id, "Jiro", "Sato"))

    assert renamed == Failure(NotFound())
    assert (service.repository.loads, service.repository.stores) == (1, 1)


# --- queries ---------------------------------------------------------------------------------


async def test_get_answers_own_accounts_or_any_for_an_admin() -> None:
    service = Service()
    alices = await service.created_by(ALICE)
    ownerless = await service.created_by(NO_AUTH)

    def found(outcome: object) -> bool:
        assert isinstance(outcome, Success)
        return outcome.unwrap() is not None

    assert found(await service.get(ALICE, GetUserAccount(alices)))
    assert not found(await service.get(BOB, GetUserAccount(alices)))
    assert not found(await service.get(ALICE, GetUserAccount(ownerless)))
    for admin in (ADMIN, NO_AUTH):
        assert found(await service.get(admin, GetUserAccount(alices)))
        assert found(await service.get(admin, GetUserAccount(ownerless)))


async def test_get_validates_before_it_looks() -> None:
    service = Service()
    outcome = await service.get(BOB, GetUserAccount("bad"))
    assert outcome == Failure(ValidationFailed(("User account ID must be exactly 26 characters",)))


async def test_get_by_ids_leaves_out_what_the_caller_may_not_see() -> None:
    service = Service()
    alices = await service.created_by(ALICE, "A")
    bobs = await service.created_by(BOB, "B")
    ownerless = await service.created_by(NO_AUTH, "C")
    every_id = [alices, bobs, ownerless]

    async def ids_seen_by(caller: Caller) -> list[str]:
        rows = (await service.by_ids(caller, GetUserAccountsByIds(every_id))).unwrap()
        return [row.id.value for row in rows]

    assert await ids_seen_by(ALICE) == [alices]
    assert await ids_seen_by(BOB) == [bobs]
    assert await ids_seen_by(ADMIN) == every_id
    assert await ids_seen_by(NO_AUTH) == every_id


async def test_lists_and_searches_are_forbidden_but_to_admins() -> None:
    service = Service()
    alices = await service.created_by(ALICE)

    for caller in (ALICE, BOB):
        assert await service.list(caller, GetUserAccounts()) == Failure(Forbidden())
        assert await service.search(caller, SearchUserAccounts("Taro")) == Failure(Forbidden())
    for admin in (ADMIN, NO_AUTH):
        listed = (await service.list(admin, GetUserAccounts())).unwrap()
        searched = (await service.search(admin, SearchUserAccounts("Taro"))).unwrap()
        assert [row.id.value for row in listed] == [row.id.value for row in searched] == [alices]


async def test_forbidden_comes_before_the_arguments_are_checked() -> None:
    service = Service()
    # No argument would make a list allowed: a non-admin learns nothing of its rules.
    assert await service.list(BOB, GetUserAccounts(first=0, after="bad")) == Failure(Forbidden())
    assert await service.search(BOB, SearchUserAccounts("", first=0)) == Failure(Forbidden())
    admins_answer = await service.list(ADMIN, GetUserAccounts(first=0))
    assert admins_answer == Failure(ValidationFailed(("first must be between 1 and 1000",)))
