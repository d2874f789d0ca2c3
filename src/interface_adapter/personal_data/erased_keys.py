"""DestroyErasedKeys: the projection's follow-up of an erasure, the erased accounts' data keys
destroyed once their rows are committed (the Command API destroys them too: this makes it sure)."""

import asyncio
from collections.abc import Collection

from domain.user_account import UserAccountId
from interface_adapter.personal_data.data_keys import DataKeys


class DestroyErasedKeys:
    """The ErasureFollowUp port on DataKeys: `destroy` is idempotent, so an erasure applied
    again (a batch delivered again) destroys nothing twice."""

    def __init__(self, data_keys: DataKeys) -> None:
        self._keys = data_keys

    async def __call__(self, account_ids: Collection[UserAccountId]) -> None:
        await asyncio.gather(*(self._keys.destroy(account_id.value) for account_id in account_ids))
