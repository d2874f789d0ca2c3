"""Typed keys of what a GraphQL application keeps once started."""

from collections.abc import Callable
from typing import Any

from aiohttp import web

from infrastructure.graphql_engine import GraphQLEngine

ENGINE = web.AppKey("graphql_engine", GraphQLEngine)
SDL_TEXT = web.AppKey("graphql_sdl_text", str)
PLAYGROUND_HTML = web.AppKey("graphql_playground_html", str)
CONTEXT_FACTORY: web.AppKey[Callable[[web.Request], Any]] = web.AppKey("graphql_context_factory")
MAX_BODY_BYTES = web.AppKey("graphql_max_body_bytes", int)
