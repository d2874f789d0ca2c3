"""Decide → store, retried on concurrency conflicts: the loop every command shares."""

from returns.pipeline import is_successful
from returns.result import Failure, Result, Success

from domain.user_account import (
    EventMetadata,
    NotCreated,
    UserAccount,
    UserAccountCommand,
    UserAccountEvent,
    UserAccountId,
    UserAccountState,
    replay,
)
from domain.user_account.aggregate import Decision
from use_case.caller import Caller
from use_case.ports import (
    NO_COMMAND_OBSERVER,
    Clock,
    CommandObserver,
    ConcurrencyConflictError,
    IdGenerator,
    UserAccountRepository,
)
from use_case.user_account.aggregate_cache import AggregateCache
from use_case.user_account.aggregate_turns import AggregateTurns
from use_case.user_account.outcome import CommandAccepted, CommandRejected, ConcurrencyConflict
from use_case.user_account_access import decide_as

MAX_ATTEMPTS = 5


class CommandRunner:
    """Runs a domain command against the latest state with optimistic concurrency.

    The state a command is decided on comes, cheapest first, from what is known without I/O (a new
    aggregate has no events; the aggregate cache holds the state this process saw last), else from
    the repository. A guess is safe because the append is conditional: an event decided on a stale
    state meets its sequence number already taken (`ConcurrencyConflictError`), and the command is
    decided again on the reloaded state. A refusal is only ever answered from a loaded state: a
    guess that refuses may just be stale (another process changed the account). Within the process,
    commands on one aggregate take turns, so that they follow each other instead of conflicting.

    `cache` and `turns` are shared by every command of the process; without a cache nothing
    is cached, without turns commands on one aggregate may run side by side (and conflict).
    `observer` is told of every lookup in the cache (a new aggregate's command makes none) and
    every conflicting append.
    """

    def __init__(
        self,
        repository: UserAccountRepository,
        clock: Clock,
        id_generator: IdGenerator,
        max_attempts: int = MAX_ATTEMPTS,
        cache: AggregateCache | None = None,
        turns: AggregateTurns | None = None,
        observer: CommandObserver = NO_COMMAND_OBSERVER,
    ) -> None:
        self._repository = repository
        self._clock = clock
        self._id_generator = id_generator
        self._max_attempts = max_attempts
        self._cache = AggregateCache(0) if cache is None else cache
        self._turns = turns
        self._observer = observer

    def new_aggregate_id(self) -> UserAccountId:
        return UserAccountId(self._id_generator.new_id())

    async def run(
        self,
        caller: Caller,
        aggregate_id: UserAccountId,
        command: UserAccountCommand,
        *,
        new: bool = False,
    ) -> Result[CommandAccepted, CommandRejected]:
        """Decide and store `command` of `caller`; at most `max_attempts` appends.

        `new`: `aggregate_id` was just generated, so the aggregate has no events and nothing
        needs loading (should the id be taken after all, the append conflicts and it is loaded).
        """
        if new or self._turns is None:
            return await self._run(caller, aggregate_id, command, new)
        async with self._turns.turn(aggregate_id):
            return await self._run(caller, aggregate_id, command, new)

    async def _run(
        self, caller: Caller, aggregate_id: UserAccountId, command: UserAccountCommand, new: bool
    ) -> Result[CommandAccepted, CommandRejected]:
        guess: UserAccountState | None
        if new:
            guess = NotCreated(aggregate_id)
        else:
            guess = self._cache.get(aggregate_id)
            if guess is None:
                self._observer.aggregate_cache_miss()
            else:
                self._observer.aggregate_cache_hit()
        for _ in range(self._max_attempts):
            state, decision = await self._decide(caller, aggregate_id, command, guess)
            guess = None  # after a conflict, only a reload will do
            match decision:
                case Failure(error):
                    return Failure(error)
                case Success(events):
                    if await self._store(state, events):
                        return Success(CommandAccepted(aggregate_id.value, events[-1].seq_nr))
        return Failure(ConcurrencyConflict(self._max_attempts))

    async def _decide(
        self,
        caller: Caller,
        aggregate_id: UserAccountId,
        command: UserAccountCommand,
        guess: UserAccountState | None,
    ) -> tuple[UserAccountState, Decision]:
        """The decision on `guess` when it accepts the command, else on the loaded state.

        The access rules are part of the decision: their refusal on a guess is confirmed too."""
        meta = EventMetadata(self._id_generator.new_id(), self._clock.now())
        if guess is not None:
            decision = decide_as(caller, guess, command, meta)
            if is_successful(decision):
                return guess, decision
        state = await self._load(aggregate_id)
        return state, decide_as(caller, state, command, meta)

    async def _load(self, aggregate_id: UserAccountId) -> UserAccountState:
        state = await self._repository.load(aggregate_id)
        if isinstance(state, UserAccount):  # an unknown id is not worth a place in the cache
            self._cache.put(state)
        return state

    async def _store(self, state: UserAccountState, events: tuple[UserAccountEvent, ...]) -> bool:
        """Append `events`; True when stored (the state they lead to is cached), False when
        `state` proved stale."""
        try:
            await self._repository.store(state.version, events)
        except ConcurrencyConflictError:
            self._cache.discard(state.id)
            self._observer.concurrency_conflict()
            return False
        except BaseException:
            self._cache.discard(state.id)  # the append may or may not have landed
            raise
        self._cache.put(replay(state, events))
        return True
