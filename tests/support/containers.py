"""The Command and Query API containers as an app builds them, their settings given."""

from dependency_injector import providers

from apps.command_api.container import CommandApiContainer
from apps.query_api.container import QueryApiContainer
from infrastructure.settings import Settings


def api_containers(
    settings: Settings | None = None,
) -> tuple[CommandApiContainer, QueryApiContainer]:
    """Both containers with `settings` (the defaults when none are given), nothing else."""
    command, query = CommandApiContainer(), QueryApiContainer()
    for container in (command, query):
        container.settings.override(providers.Object(settings or Settings()))
    return command, query
