"""Arbitrary sequences by several subjects and an admin: no subject changes or sees another's
account, and an admin sees exactly what every caller sees with AUTH_MODE=off (SPEC §8.2)."""

import asyncio
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule
from returns.result import Failure, Result, Success

from domain.user_account import (
    AlreadyDeleted,
    NotFound,
    SameName,
    UserAccount,
    UserAccountEvent,
    UserAccountId,
)
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from tests.support.callers import ADMIN, ALICE, BOB, NO_AUTH
from tests.support.fakes import CountingIdGenerator, SteppingClock
from use_case.caller import Caller
from use_case.ports import UserAccountRow
from use_case.user_account.aggregate_cache import AggregateCache
from use_case.user_account.command_runner import CommandRunner
from use_case.user_account.create_user_account import CreateUserAccount, CreateUserAccountUseCase
from use_case.user_account.delete_user_account import DeleteUserAccount, DeleteUserAccountUseCase
from use_case.user_account.outcome import CommandAccepted, CommandRejected
from use_case.user_account.rename_user_account import RenameUserAccount, RenameUserAccountUseCase
from use_case.user_account_access import Forbidden
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

CAROL = Caller("auth0|carol", admin=False)
SUBJECTS = (ALICE, BOB, CAROL)
# Who may ask: the subjects, an admin with an identity, and every caller of AUTH_MODE=off.
CALLERS = st.sampled_from([*SUBJECTS, ADMIN, NO_AUTH])
# Few names, so that renames to the current name (SAME_NAME) and shared search terms happen.
NAMES = st.sampled_from([("Taro", "Yamada"), ("Jiro", "Yamada"), ("Hanako", "Sato")])
TERMS = st.sampled_from(["Yamada", "taro", "ro Ya", "Sato", "nobody"])
NEVER_CREATED = "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Known:
    """The model of one account: who owns it, its name, whether it is deleted, its version."""

    owner: str | None
    first: str
    last: str
    deleted: bool
    version: int


def may_see(caller: Caller, known: Known) -> bool:
    """SPEC §8.2 written out once more, independently of the code under test."""
    return caller.admin or (known.owner is not None and known.owner == caller.subject)


class Node:
    """One Command API process: its own aggregate cache (guesses go stale), the shared journal."""

    def __init__(self, repository: InMemoryUserAccountRepository, ids: CountingIdGenerator):
        runner = CommandRunner(repository, SteppingClock(), ids, cache=AggregateCache(100))
        self.create = CreateUserAccountUseCase(runner)
        self.rename = RenameUserAccountUseCase(runner)
        self.delete = DeleteUserAccountUseCase(runner)


class AccessRules(RuleBasedStateMachine):
    """Drives every use case over the in-memory adapters against a model of who owns what."""

    accounts = Bundle("accounts")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.repository = InMemoryUserAccountRepository(InMemoryDataKeys(), snapshot_interval=3)
        self.read_model = InMemoryUserAccountReadModel()
        project = ProjectUserAccountEvents(self.read_model, self.repository)

        async def feed(events: Sequence[UserAccountEvent]) -> None:
            await project(events)

        self.repository.subscribe(feed)
        ids = CountingIdGenerator()  # one sequence, so that no two nodes make the same id
        self.nodes = (Node(self.repository, ids), Node(self.repository, ids))
        self.get = GetUserAccountUseCase(self.read_model)
        self.by_ids = GetUserAccountsByIdsUseCase(self.read_model)
        self.list = GetUserAccountsUseCase(self.read_model)
        self.search = SearchUserAccountsUseCase(self.read_model)
        self.model: dict[str, Known] = {}

    def teardown(self) -> None:
        self.loop.close()

    def run(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        return self.loop.run_until_complete(coroutine)

    def expected_command(
        self, caller: Caller, account: str, new_name: tuple[str, str] | None
    ) -> CommandRejected | None:
        """The refusal the model expects (None: accepted), in §8.2's order."""
        known = self.model.get(account)
        if known is None or not may_see(caller, known):
            return NotFound()
        if known.deleted:
            return AlreadyDeleted()
        if new_name == (known.first, known.last):
            return SameName()
        return None

    def check_command(
        self,
        outcome: Result[CommandAccepted, CommandRejected],
        expected: CommandRejected | None,
    ) -> bool:
        """Whether the command was accepted, after asserting the outcome is the model's."""
        if expected is not None:
            assert outcome == Failure(expected)
            return False
        assert isinstance(outcome, Success), outcome
        return True

    # --- commands ----------------------------------------------------------------------------

    @rule(target=accounts, caller=CALLERS, node=st.sampled_from([0, 1]), name=NAMES)
    def create(self, caller: Caller, node: int, name: tuple[str, str]) -> str:
        command = CreateUserAccount(name[0], name[1], "someone@example.com")
        accepted = self.run(self.nodes[node].create(caller, command)).unwrap()
        assert accepted.version == 1
        self.model[accepted.id] = Known(caller.subject, name[0], name[1], False, 1)
        return accepted.id

    @rule(
        caller=CALLERS,
        node=st.sampled_from([0, 1]),
        account=st.one_of(accounts, st.just(NEVER_CREATED)),
        name=NAMES,
    )
    def rename(self, caller: Caller, node: int, account: str, name: tuple[str, str]) -> None:
        expected = self.expected_command(caller, account, name)
        command = RenameUserAccount(account, name[0], name[1])
        if self.check_command(self.run(self.nodes[node].rename(caller, command)), expected):
            known = self.model[account]
            self.model[account] = replace(
                known, first=name[0], last=name[1], version=known.version + 1
            )

    @rule(
        caller=CALLERS,
        node=st.sampled_from([0, 1]),
        account=st.one_of(accounts, st.just(NEVER_CREATED)),
    )
    def delete(self, caller: Caller, node: int, account: str) -> None:
        expected = self.expected_command(caller, account, None)
        command = DeleteUserAccount(account)
        if self.check_command(self.run(self.nodes[node].delete(caller, command)), expected):
            known = self.model[account]
            self.model[account] = replace(known, deleted=True, version=known.version + 1)

    # --- queries -----------------------------------------------------------------------------

    def visible_live(self, caller: Caller) -> list[str]:
        return sorted(
            account
            for account, known in self.model.items()
            if may_see(caller, known) and not known.deleted
        )

    @rule(caller=CALLERS, account=st.one_of(accounts, st.just(NEVER_CREATED)))
    def get_one(self, caller: Caller, account: str) -> None:
        row = self.run(self.get(caller, GetUserAccount(account))).unwrap()
        known = self.model.get(account)
        if known is None or known.deleted or not may_see(caller, known):
            assert row is None
            return
        assert row is not None
        assert (row.first_name, row.last_name, row.version) == (
            known.first,
            known.last,
            known.version,
        )
        assert row.owner == known.owner
        if caller.admin:
            assert self.run(self.get(NO_AUTH, GetUserAccount(account))).unwrap() == row

    @rule(caller=CALLERS, wanted=st.lists(st.one_of(accounts, st.just(NEVER_CREATED)), min_size=1))
    def get_some(self, caller: Caller, wanted: list[str]) -> None:
        rows = self.run(self.by_ids(caller, GetUserAccountsByIds(wanted))).unwrap()
        assert [row.id.value for row in rows] == [
            account for account in self.visible_live(caller) if account in wanted
        ]
        if caller.admin:
            assert self.run(self.by_ids(NO_AUTH, GetUserAccountsByIds(wanted))).unwrap() == rows

    @rule(caller=CALLERS)
    def list_all(self, caller: Caller) -> None:
        outcome = self.run(self.list(caller, GetUserAccounts(first=1000)))
        if not caller.admin:
            assert outcome == Failure(Forbidden())
            return
        rows = outcome.unwrap()
        assert [row.id.value for row in rows] == self.visible_live(caller)
        assert self.run(self.list(NO_AUTH, GetUserAccounts(first=1000))) == outcome

    @rule(caller=CALLERS, term=TERMS)
    def search_all(self, caller: Caller, term: str) -> None:
        outcome = self.run(self.search(caller, SearchUserAccounts(term, first=1000)))
        if not caller.admin:
            assert outcome == Failure(Forbidden())
            return
        expected = [
            account
            for account in self.visible_live(caller)
            if term.lower() in f"{self.model[account].first} {self.model[account].last}".lower()
        ]
        assert [row.id.value for row in outcome.unwrap()] == expected
        assert self.run(self.search(NO_AUTH, SearchUserAccounts(term, first=1000))) == outcome

    # --- invariants --------------------------------------------------------------------------

    @invariant()
    def each_subject_sees_exactly_its_own_live_accounts(self) -> None:
        every_id = [*self.model, NEVER_CREATED][:100]
        for subject in SUBJECTS:
            seen = self.run(self.by_ids(subject, GetUserAccountsByIds(every_id))).unwrap()
            assert all(row.owner == subject.subject for row in seen)
            assert [row.id.value for row in seen] == [
                account for account in self.visible_live(subject) if account in every_id
            ]

    @invariant()
    def the_journal_holds_only_what_the_model_allowed(self) -> None:
        # Every change the model did not accept (another's account) would show here.
        for account, known in self.model.items():
            state = self.run(self.repository.load(UserAccountId(account)))
            assert isinstance(state, UserAccount)
            assert (state.owner, state.name.first_name, state.name.last_name) == (
                known.owner,
                known.first,
                known.last,
            )
            assert (state.deleted, state.version) == (known.deleted, known.version)

    @invariant()
    def the_rows_hold_the_owners_of_the_journal(self) -> None:
        rows: dict[UserAccountId, UserAccountRow] = dict(
            self.run(self.read_model.load_rows([UserAccountId(a) for a in self.model]))
        )
        assert {key.value: row.owner for key, row in rows.items()} == {
            account: known.owner for account, known in self.model.items()
        }


AccessRules.TestCase.settings = settings(max_examples=80, stateful_step_count=40, deadline=None)
test_access_rules = AccessRules.TestCase
