"""The playground over HTTP: its page's security headers and its files, served by the app."""

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from infrastructure.graphql_http.playground_assets import (
    ASSETS_PATH,
    GRAPHIQL_CSS,
    GRAPHIQL_JS,
    GRAPHIQL_VERSION,
    PLAYGROUND_JS,
    STATIC_DIR,
)

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("path", ["/api/playground", "/api/graphql"])
async def test_the_page_comes_with_a_csp_allowing_only_its_own_origin(
    client: TestClient[Any, Any], path: str
) -> None:
    response = await client.get(path)

    assert response.status == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self';" in csp
    assert "connect-src 'self'" in csp
    assert "http" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = await response.text()
    assert "https://" not in page
    assert "http://" not in page


@pytest.mark.parametrize(
    ("name", "content_type"),
    [(GRAPHIQL_JS, "text/javascript"), (GRAPHIQL_CSS, "text/css")],
)
async def test_a_vendored_file_is_served_whole_and_cached_for_a_year(
    client: TestClient[Any, Any], name: str, content_type: str
) -> None:
    response = await client.get(f"{ASSETS_PATH}/{name}")

    assert response.status == 200
    assert response.content_type == content_type
    assert response.charset == "utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert await response.read() == (STATIC_DIR / name).read_bytes()


async def test_our_own_script_is_revalidated_rather_than_cached(
    client: TestClient[Any, Any],
) -> None:
    response = await client.get(f"{ASSETS_PATH}/{PLAYGROUND_JS}")

    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert "ETag" in response.headers or "Last-Modified" in response.headers


@pytest.mark.parametrize(
    "name",
    [
        "",
        f"graphiql-{GRAPHIQL_VERSION}",
        f"graphiql-{GRAPHIQL_VERSION}/",
        f"graphiql-{GRAPHIQL_VERSION}/LICENSE",
        "SHA256SUMS",
        "README.md",
        "missing.js",
        "../playground.py",
        "%2e%2e/playground.py",
        "..%2fhttp_app.py",
    ],
)
async def test_only_the_playground_files_are_served_with_no_listing(
    client: TestClient[Any, Any], name: str
) -> None:
    response = await client.get(f"{ASSETS_PATH}/{name}")

    assert response.status == 404
