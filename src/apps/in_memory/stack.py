"""Wire the Command and Query API containers to one in-memory journal and read model."""

from dataclasses import dataclass

from dependency_injector import providers

from apps.command_api.container import CommandApiContainer, use_in_memory_adapters
from apps.in_memory.caught_up_queries import CaughtUpQueries
from apps.in_memory.projection_feed import ProjectionFeed
from apps.query_api.container import QueryApiContainer, use_in_memory_read_model
from interface_adapter.event_store.in_memory_repository import InMemoryUserAccountRepository
from interface_adapter.personal_data.erased_keys import DestroyErasedKeys
from interface_adapter.read_model.in_memory_read_model import InMemoryUserAccountReadModel
from use_case.user_account_projection.project_events import ProjectUserAccountEvents


@dataclass(frozen=True, slots=True)
class InMemoryStack:
    repository: InMemoryUserAccountRepository
    read_model: InMemoryUserAccountReadModel
    feed: ProjectionFeed


def use_in_memory_stack(command: CommandApiContainer, query: QueryApiContainer) -> InMemoryStack:
    """Override both containers' stores with in-memory ones and feed every committed batch of
    events into the projection (whose journal, for gap filling, is the same repository); the
    Query API reads once the feed has caught up."""
    repository = use_in_memory_adapters(command)
    read_model = use_in_memory_read_model(query)
    # As the updater does, applying an erasure destroys the account's data key.
    after_erasure = DestroyErasedKeys(command.data_keys())
    feed = ProjectionFeed(
        ProjectUserAccountEvents(rows=read_model, journal=repository, after_erasure=after_erasure)
    )
    repository.subscribe(feed)
    query.read_model.override(providers.Object(CaughtUpQueries(read_model, feed)))
    return InMemoryStack(repository, read_model, feed)
