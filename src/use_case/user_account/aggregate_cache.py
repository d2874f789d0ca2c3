"""AggregateCache: the states this process saw last, so that a command need not reload them."""

from collections import OrderedDict

from domain.user_account import UserAccountId, UserAccountState
from use_case.user_account.state_records import (
    VERSION,
    StateRecord,
    state_from_record,
    state_record,
)

DEFAULT_CAPACITY = 10_000


class AggregateCache:
    """A least-recently-used map of aggregate id → state, holding at most `capacity` states.

    A cached state is a guess, never the truth: the journal's conditional append refuses an event
    decided on a stale state (its sequence number is taken), and the command runner then reloads. So
    the cache needs no invalidation across processes, only a bound on its size.

    A capacity of 0 turns the cache off: nothing is kept, every lookup misses.

    States are kept as flat records (state_records) keyed by the id's text, which leaves the
    garbage collector nothing to walk but the map itself; `get` rebuilds the state, a small
    price next to a command's (docs/performance.md).
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 0:
            raise ValueError(f"capacity must be 0 or more, not {capacity}")
        self._capacity = capacity
        self._states: OrderedDict[str, StateRecord] = OrderedDict()

    @property
    def capacity(self) -> int:
        return self._capacity

    def __len__(self) -> int:
        return len(self._states)

    def get(self, aggregate_id: UserAccountId) -> UserAccountState | None:
        """The cached state of `aggregate_id` (now the most recently used), or None."""
        record = self._states.get(aggregate_id.value)
        if record is None:
            return None
        self._states.move_to_end(aggregate_id.value)
        return state_from_record(aggregate_id, record)

    def put(self, state: UserAccountState) -> None:
        """Keep `state` unless a newer one of the same aggregate is cached; evict the least
        recently used state beyond the capacity.

        Two commands of this process may finish out of order: the older state never replaces
        the newer one.
        """
        if self._capacity == 0:
            return
        key = state.id.value
        cached = self._states.get(key)
        if cached is not None and cached[VERSION] > state.version:
            self._states.move_to_end(key)
            return
        self._states[key] = state_record(state)
        self._states.move_to_end(key)
        if len(self._states) > self._capacity:
            self._states.popitem(last=False)

    def discard(self, aggregate_id: UserAccountId) -> None:
        """Forget `aggregate_id`: its cached state proved stale (or its fate is unknown)."""
        self._states.pop(aggregate_id.value, None)

    def record_of(self, aggregate_id: UserAccountId) -> StateRecord | None:
        """What the cache keeps of `aggregate_id`, as it keeps it (for tests); not a use."""
        return self._states.get(aggregate_id.value)
