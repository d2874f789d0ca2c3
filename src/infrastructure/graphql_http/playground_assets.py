"""The playground's browser files, vendored under static/ and served by the app itself."""

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from aiohttp import web
from aiohttp.typedefs import Handler

# GraphiQL and React come from the npm registry at these versions (scripts/vendor-playground.sh
# re-fetches them); playground.js and playground.css are ours.
GRAPHIQL_VERSION = "4.1.2"
REACT_VERSION = "18.3.1"

ASSETS_PATH = "/api/playground/assets"
STATIC_DIR = Path(__file__).parent / "static"

GRAPHIQL_CSS = f"graphiql-{GRAPHIQL_VERSION}/graphiql.min.css"
GRAPHIQL_JS = f"graphiql-{GRAPHIQL_VERSION}/graphiql.min.js"
REACT_JS = f"react-{REACT_VERSION}/react.production.min.js"
REACT_DOM_JS = f"react-dom-{REACT_VERSION}/react-dom.production.min.js"
PLAYGROUND_CSS = "playground.css"
PLAYGROUND_JS = "playground.js"

_CONTENT_TYPES = MappingProxyType(
    {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
)
# A vendored file's URL names its version, so it never changes: browsers may keep it a year.
# Ours keep their URL across releases: browsers revalidate them (ETag / Last-Modified).
_VENDORED_CACHE = "public, max-age=31536000, immutable"
_OWN_CACHE = "no-cache"


def asset_url(name: str) -> str:
    """The same-origin URL of the asset `name` (a path relative to static/)."""
    return f"{ASSETS_PATH}/{name}"


def find_assets(static_dir: Path = STATIC_DIR) -> Mapping[str, Path]:
    """Every servable file under `static_dir` (scripts and style sheets) by its relative path.

    Only these are served: no directory listing, and no path from a request reaches the disk.
    """
    return MappingProxyType(
        {
            path.relative_to(static_dir).as_posix(): path
            for path in sorted(static_dir.rglob("*"))
            if path.is_file() and path.suffix in _CONTENT_TYPES
        }
    )


def asset_handler(assets: Mapping[str, Path]) -> Handler:
    """A handler answering GET {ASSETS_PATH}/{name} from `assets`, 404 for any other name."""

    async def handle_asset(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        path = assets.get(name)
        if path is None:
            raise web.HTTPNotFound()
        vendored = "/" in name
        return web.FileResponse(
            path,
            headers={
                "Content-Type": _CONTENT_TYPES[path.suffix],
                "Cache-Control": _VENDORED_CACHE if vendored else _OWN_CACHE,
                "X-Content-Type-Options": "nosniff",
            },
        )

    return handle_asset
