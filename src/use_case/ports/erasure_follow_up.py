"""ErasureFollowUp: what must go once an account's erased row is committed (its data key)."""

from collections.abc import Collection
from typing import Protocol

from domain.user_account import UserAccountId


class ErasureFollowUp(Protocol):
    async def __call__(self, account_ids: Collection[UserAccountId]) -> None:
        """Destroy what could still read these erased accounts' personal data; idempotent
        (called again for an erasure delivered again). Raises when it cannot: the batch is then
        delivered again, and so is this call."""
        ...


class NoErasureFollowUp:
    """Nothing to destroy (a projection that keeps no keys, as in tests)."""

    async def __call__(self, account_ids: Collection[UserAccountId]) -> None:
        return None


NO_ERASURE_FOLLOW_UP = NoErasureFollowUp()
