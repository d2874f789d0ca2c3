"""Load → decide → store, retried on concurrency conflicts: the loop every command shares."""

from returns.result import Failure, Result, Success

from domain.user_account import EventMetadata, UserAccountCommand, UserAccountId, decide, replay
from use_case.ports import Clock, ConcurrencyConflictError, IdGenerator, UserAccountRepository
from use_case.user_account.outcome import CommandAccepted, CommandRejected, ConcurrencyConflict

MAX_ATTEMPTS = 5


class CommandRunner:
    """Runs a domain command against the latest state with optimistic concurrency."""

    def __init__(
        self,
        repository: UserAccountRepository,
        clock: Clock,
        id_generator: IdGenerator,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self._repository = repository
        self._clock = clock
        self._id_generator = id_generator
        self._max_attempts = max_attempts

    def new_aggregate_id(self) -> UserAccountId:
        return UserAccountId(self._id_generator.new_id())

    async def run(
        self, aggregate_id: UserAccountId, command: UserAccountCommand
    ) -> Result[CommandAccepted, CommandRejected]:
        for _ in range(self._max_attempts):
            state = await self._repository.load(aggregate_id)
            meta = EventMetadata(self._id_generator.new_id(), self._clock.now())
            match decide(state, command, meta):
                case Failure(error):
                    return Failure(error)
                case Success(events):
                    state_after = replay(state, events)
                    try:
                        await self._repository.store(state.version, events, state_after)
                    except ConcurrencyConflictError:
                        continue
                    return Success(CommandAccepted(aggregate_id.value, state_after.version))
        return Failure(ConcurrencyConflict(self._max_attempts))
