"""The query use cases: what they accept, what they refuse, and that refusals ask nothing."""

from collections.abc import Collection

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from domain.user_account import UserAccountId, ValidationFailed
from domain.user_account.text_rules import has_forbidden_characters
from tests.support.callers import NO_AUTH
from use_case.ports import UserAccountRow
from use_case.user_account_query.get_user_accounts_by_ids import (
    GetUserAccountsByIds,
    GetUserAccountsByIdsUseCase,
)
from use_case.user_account_query.input_rules import check_first
from use_case.user_account_query.search_user_accounts import check_search_term

pytestmark = pytest.mark.unit


class RecordingQueries:
    """Answers nothing, remembers what it was asked."""

    def __init__(self) -> None:
        self.asked: list[object] = []

    async def get(self, account_id: UserAccountId) -> UserAccountRow | None:
        self.asked.append(account_id)
        return None

    async def list_after(self, first: int, after: UserAccountId | None) -> list[UserAccountRow]:
        self.asked.append((first, after))
        return []

    async def get_many(self, ids: Collection[UserAccountId]) -> list[UserAccountRow]:
        self.asked.append(sorted(ids))
        return []

    async def search(self, term: str, first: int) -> list[UserAccountRow]:
        self.asked.append((term, first))
        return []


@given(st.integers(min_value=-(2**31), max_value=2**31 - 1))
def test_first_is_accepted_exactly_from_1_to_1000(first: int) -> None:
    outcome = check_first(first)

    if 1 <= first <= 1000:
        assert outcome == Success(first)
    else:
        assert outcome == Failure("first must be between 1 and 1000")


def test_first_none_is_the_default_page_size() -> None:
    assert check_first(None) == Success(100)


@given(st.text(max_size=120))
def test_a_term_is_accepted_exactly_when_its_trimmed_form_follows_the_rules(raw: str) -> None:
    term = raw.strip()
    valid = 2 <= len(term) <= 100 and not has_forbidden_characters(term)
    outcome = check_search_term(raw)

    if valid:
        assert outcome == Success(term)
    else:
        assert isinstance(outcome, Failure)


async def test_ids_differing_in_case_are_asked_once() -> None:
    queries = RecordingQueries()
    upper = "01KB0000000000000000000ABC"

    outcome = await GetUserAccountsByIdsUseCase(queries)(
        NO_AUTH, GetUserAccountsByIds([upper, upper.lower(), upper])
    )

    assert outcome == Success([])
    assert queries.asked == [[UserAccountId(upper)]]


async def test_a_refused_list_asks_the_read_model_nothing() -> None:
    queries = RecordingQueries()
    use_case = GetUserAccountsByIdsUseCase(queries)

    refusals = [
        await use_case(NO_AUTH, GetUserAccountsByIds([])),
        await use_case(NO_AUTH, GetUserAccountsByIds(["01KB0000000000000000000ABC"] * 101)),
        await use_case(NO_AUTH, GetUserAccountsByIds(["01KB0000000000000000000ABC", "x"])),
    ]

    assert refusals == [
        Failure(ValidationFailed(("User account IDs list cannot be empty",))),
        Failure(ValidationFailed(("Cannot query more than 100 user accounts at once",))),
        Failure(ValidationFailed(("User account ID must be exactly 26 characters",))),
    ]
    assert queries.asked == []
