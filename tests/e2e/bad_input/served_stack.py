"""Both APIs served in-process on one in-memory journal and read model, as in in-memory mode,
and the state of those stores, to compare before and after an input."""

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp.test_utils import TestClient
from dependency_injector import providers

from apps.command_api.container import CommandApiContainer
from apps.in_memory.caught_up_queries import CaughtUpQueries
from apps.in_memory.projection_feed import ProjectionFeed
from apps.query_api.container import QueryApiContainer
from domain.user_account import UserAccountEvent, UserAccountId
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.graphql.command import COMMAND_SCHEMA
from interface_adapter.graphql.query import QUERY_SCHEMA
from interface_adapter.personal_data.in_memory_data_keys import InMemoryDataKeys
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from use_case.ports import UserAccountRow
from use_case.user_account_projection.project_events import ProjectUserAccountEvents


@dataclass(frozen=True, slots=True)
class ServedApis:
    command: TestClient[Any, Any]
    query: TestClient[Any, Any]
    command_container: CommandApiContainer
    query_container: QueryApiContainer


@dataclass(frozen=True, slots=True)
class StoreState:
    events: int
    rows: dict[UserAccountId, UserAccountRow]


@dataclass
class Stores:
    """One test's journal and read model, and every batch of events committed to them."""

    repository: InMemoryUserAccountRepository = field(
        default_factory=lambda: InMemoryUserAccountRepository(InMemoryDataKeys())
    )
    read_model: InMemoryUserAccountReadModel = field(default_factory=InMemoryUserAccountReadModel)
    committed: list[UserAccountEvent] = field(default_factory=list)
    feed: ProjectionFeed = field(init=False)

    def __post_init__(self) -> None:
        async def record(events: Sequence[UserAccountEvent]) -> None:
            self.committed.extend(events)

        projection = ProjectUserAccountEvents(rows=self.read_model, journal=self.repository)
        self.feed = ProjectionFeed(projection)
        self.repository.subscribe(self.feed)
        self.repository.subscribe(record)

    async def state(self) -> StoreState:
        """Every committed event counted, every row (tombstones included) once projected."""
        await self.feed.caught_up()
        ids = {event.aggregate_id for event in self.committed}
        return StoreState(len(self.committed), dict(await self.read_model.load_rows(ids)))

    def events_since(self, before: StoreState) -> list[UserAccountEvent]:
        return self.committed[before.events :]


@contextmanager
def stores_in_use(apis: ServedApis) -> Iterator[Stores]:
    """Fresh stores behind both APIs for one test; the (process-wide) resolvers point at them."""
    stores = Stores()
    apis.command_container.wire(modules=list(COMMAND_SCHEMA.resolver_modules))
    apis.query_container.wire(modules=list(QUERY_SCHEMA.resolver_modules))
    with ExitStack() as overrides:
        overrides.enter_context(
            apis.command_container.repository.override(providers.Object(stores.repository))
        )
        overrides.enter_context(
            apis.query_container.read_model.override(
                providers.Object(CaughtUpQueries(stores.read_model, stores.feed))
            )
        )
        yield stores
