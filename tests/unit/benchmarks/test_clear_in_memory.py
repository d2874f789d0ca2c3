"""Scenario 12's baseline: with the stand-ins the in-memory app keeps personal data in clear and
makes no key; without them (the product) it seals; the rest behaves the same."""

from typing import cast

import pytest

from apps.in_memory.stack import use_in_memory_stack
from benchmarks.clear_in_memory import NoDataKeys, install_stand_ins
from domain.user_account import UserAccountId
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from tests.support.callers import NO_AUTH
from tests.support.containers import api_containers
from use_case.user_account.create_user_account import CreateUserAccount
from use_case.user_account.rename_user_account import RenameUserAccount
from use_case.user_account_query.get_user_account import GetUserAccount

pytestmark = pytest.mark.unit


async def created_and_renamed() -> tuple[bytes, object, str]:
    """A create and a rename on a fresh in-memory stack: the journal's records as one byte
    string, the data keys in use, and the name the Query API then shows."""
    command, query = api_containers()
    stack = use_in_memory_stack(command, query)
    created = await command.create_user_account()(
        NO_AUTH, CreateUserAccount("Ada", "Lovelace", "ada@example.com")
    )
    account_id = created.unwrap().id
    await command.rename_user_account()(NO_AUTH, RenameUserAccount(account_id, "Ada", "Byron"))
    row = (await query.get_user_account()(NO_AUTH, GetUserAccount(account_id))).unwrap()
    assert row is not None
    records = stack.repository.records_of(UserAccountId(account_id))
    stored = b"".join(
        field if isinstance(field, bytes) else str(field).encode()
        for record in records
        for field in record
    )
    return stored, command.data_keys(), row.full_name


async def test_the_product_seals_personal_data_under_a_key_per_account() -> None:
    stored, keys, shown = await created_and_renamed()

    assert shown == "Ada Byron"
    for text in (b"Lovelace", b"Byron", b"ada@example.com"):
        assert text not in stored
    assert len(cast(InMemoryDataKeys, keys)) == 1


async def test_with_the_stand_ins_the_same_app_keeps_them_in_clear_and_makes_no_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    install_stand_ins(monkeypatch.setattr)

    stored, keys, shown = await created_and_renamed()

    assert shown == "Ada Byron"
    for text in (b"Lovelace", b"Byron", b"ada@example.com"):
        assert text in stored
    assert isinstance(keys, NoDataKeys)
