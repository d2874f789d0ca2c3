"""DataKeysContract: what every DataKeys adapter must do. A test module subclasses it and
provides a `data_keys` fixture (empty); the in-memory, the DynamoDB and the cached adapters run
the same tests."""

import asyncio

import pytest

from infrastructure.crypto import KEY_BYTES
from infrastructure.ulid_generator import UlidGenerator
from interface_adapter.personal_data.data_keys import DataKeys

_ids = UlidGenerator()


def an_account_id() -> str:
    return _ids.new_id()


class DataKeysContract:
    async def test_create_makes_a_256_bit_key_that_find_returns(self, data_keys: DataKeys) -> None:
        account_id = an_account_id()

        key = await data_keys.create(account_id)

        assert len(key) == KEY_BYTES
        assert await data_keys.find(account_id) == key

    async def test_create_is_idempotent_per_account(self, data_keys: DataKeys) -> None:
        account_id = an_account_id()
        first = await data_keys.create(account_id)

        assert await data_keys.create(account_id) == first
        assert await data_keys.find(account_id) == first

    async def test_creates_at_once_for_one_account_agree_on_one_key(
        self, data_keys: DataKeys
    ) -> None:
        account_id = an_account_id()

        keys = await asyncio.gather(*(data_keys.create(account_id) for _ in range(8)))

        assert len(set(keys)) == 1
        assert await data_keys.find(account_id) == keys[0]

    async def test_each_account_has_its_own_key(self, data_keys: DataKeys) -> None:
        accounts = [an_account_id() for _ in range(5)]

        keys = [await data_keys.create(account_id) for account_id in accounts]

        assert len(set(keys)) == 5
        assert [await data_keys.find(account_id) for account_id in accounts] == keys

    async def test_an_account_without_a_key_has_none(self, data_keys: DataKeys) -> None:
        assert await data_keys.find(an_account_id()) is None

    async def test_a_destroyed_key_is_gone(self, data_keys: DataKeys) -> None:
        account_id, other = an_account_id(), an_account_id()
        await data_keys.create(account_id)
        kept = await data_keys.create(other)

        await data_keys.destroy(account_id)

        assert await data_keys.find(account_id) is None
        assert await data_keys.find(other) == kept

    async def test_find_many_answers_what_find_answers_for_each(self, data_keys: DataKeys) -> None:
        made = [an_account_id() for _ in range(130)]  # more than one BatchGetItem holds
        keys = {account_id: await data_keys.create(account_id) for account_id in made}
        destroyed, never = made[0], an_account_id()
        await data_keys.destroy(destroyed)
        asked = [*made, never, made[5]]  # one without a key, one asked twice

        found = await data_keys.find_many(asked)

        assert set(found) == set(asked)
        assert found[destroyed] is None
        assert found[never] is None
        assert all(found[account_id] == keys[account_id] for account_id in made[1:])
        assert await data_keys.find_many([]) == {}

    async def test_destroy_is_idempotent(self, data_keys: DataKeys) -> None:
        account_id = an_account_id()
        await data_keys.create(account_id)

        await data_keys.destroy(account_id)
        await data_keys.destroy(account_id)
        await data_keys.destroy(an_account_id())  # never had one

        assert await data_keys.find(account_id) is None

    async def test_a_create_after_destroy_makes_a_new_key(self, data_keys: DataKeys) -> None:
        account_id = an_account_id()
        destroyed = await data_keys.create(account_id)
        await data_keys.destroy(account_id)

        again = await data_keys.create(account_id)

        assert again != destroyed
        assert await data_keys.find(account_id) == again

    @pytest.mark.parametrize("call", ["create", "find", "destroy"])
    async def test_an_empty_account_id_is_refused(self, data_keys: DataKeys, call: str) -> None:
        with pytest.raises(ValueError, match="account id"):
            await getattr(data_keys, call)("")
