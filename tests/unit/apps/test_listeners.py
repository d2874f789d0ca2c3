"""The listeners of both APIs take their connection settings from Settings."""

from collections.abc import Callable

import pytest
from aiohttp import web

from apps.graphql_service import command_api_listener, query_api_listener
from infrastructure.http.server import Listener
from infrastructure.settings import Settings

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("listener_of", [command_api_listener, query_api_listener])
def test_the_connections_per_client_reach_the_listener(
    listener_of: Callable[[Settings, web.Application], Listener],
) -> None:
    app = web.Application()

    default = listener_of(Settings(), app)
    set_ = listener_of(Settings(max_connections_per_client=7), app)

    assert default.max_connections_per_client == 256
    assert set_.max_connections_per_client == 7
