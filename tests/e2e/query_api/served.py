"""A Query API served in-process to a test client, and pointing the resolvers at its container."""

from dataclasses import dataclass
from typing import Any

from aiohttp.test_utils import TestClient

from apps.query_api.container import QueryApiContainer
from interface_adapter.graphql.query import QUERY_SCHEMA


@dataclass(frozen=True, slots=True)
class ServedQueryApi:
    client: TestClient[Any, Any]
    container: QueryApiContainer


def wire_resolvers(container: QueryApiContainer) -> None:
    """Point the (process-wide) resolvers at `container`: each test wires the one it uses."""
    container.wire(modules=list(QUERY_SCHEMA.resolver_modules))
