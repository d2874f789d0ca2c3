"""The playground page names only files the app serves, and the vendored files are intact."""

import hashlib
import re

import pytest

from infrastructure.graphql_http.playground import playground_html, playground_response
from infrastructure.graphql_http.playground_assets import (
    ASSETS_PATH,
    GRAPHIQL_VERSION,
    REACT_VERSION,
    STATIC_DIR,
    find_assets,
)

pytestmark = pytest.mark.unit

_URL_ATTRIBUTE = re.compile(r'(?:src|href)="([^"]*)"')


def _page() -> str:
    return playground_html("Command API", "/api/graphql")


def test_every_url_of_the_page_is_an_asset_the_app_serves() -> None:
    assets = find_assets()
    urls = _URL_ATTRIBUTE.findall(_page())

    linked = [url for url in urls if url != "data:,"]  # the empty favicon
    assert len(linked) == 6  # 2 style sheets, 4 scripts
    for url in linked:
        assert url.startswith(ASSETS_PATH + "/"), url
        assert url.removeprefix(ASSETS_PATH + "/") in assets, url


def test_the_page_names_the_pinned_versions() -> None:
    page = _page()

    assert f"/graphiql-{GRAPHIQL_VERSION}/graphiql.min.js" in page
    assert f"/graphiql-{GRAPHIQL_VERSION}/graphiql.min.css" in page
    assert f"/react-{REACT_VERSION}/react.production.min.js" in page
    assert f"/react-dom-{REACT_VERSION}/react-dom.production.min.js" in page


def test_the_title_and_endpoint_are_escaped() -> None:
    page = playground_html('<script>"x"</script>', '/api/"graphql"')

    assert "<title>&lt;script&gt;&quot;x&quot;&lt;/script&gt;</title>" in page
    assert 'data-endpoint="/api/&quot;graphql&quot;"' in page


def test_each_response_has_its_own_nonce_in_the_csp_and_the_script_tag() -> None:
    first, second = playground_response(_page()), playground_response(_page())

    nonces = []
    for response in (first, second):
        csp = response.headers["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([A-Za-z0-9_-]+)'", csp)
        assert nonce is not None
        assert f'nonce="{nonce.group(1)}"' in (response.text or "")
        assert "unsafe-inline" not in csp
        assert "script-src 'self';" in csp
        assert "default-src 'none'" in csp
        nonces.append(nonce.group(1))
    assert nonces[0] != nonces[1]


def test_the_vendored_files_match_their_recorded_checksums() -> None:
    # scripts/vendor-playground.sh writes SHA256SUMS: an edited or partial file shows here.
    lines = (STATIC_DIR / "SHA256SUMS").read_text().splitlines()
    recorded = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    vendored = {
        path.relative_to(STATIC_DIR).as_posix() for path in STATIC_DIR.glob("*/*") if path.is_file()
    }

    assert set(recorded) == vendored
    for name, digest in recorded.items():
        assert hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest() == digest, name
    for package in (f"graphiql-{GRAPHIQL_VERSION}", f"react-{REACT_VERSION}"):
        assert f"{package}/LICENSE" in recorded


def test_the_page_has_a_labelled_token_field_that_browsers_do_not_fill_or_keep() -> None:
    page = _page()

    (field,) = re.findall(r"<input\b[^>]*>", page)
    assert 'id="token"' in field
    assert 'type="password"' in field  # not shown on screen
    assert 'autocomplete="off"' in field
    assert '<label for="token">' in page
    assert '<button id="token-clear" type="button">' in page
    assert "<form" not in page  # nothing to submit anywhere (form-action 'none')


def test_the_page_has_no_inline_script_style_or_handler_for_the_csp_to_allow() -> None:
    page = _page()

    assert re.findall(r"<script\b(?![^>]*\bsrc=)", page) == []
    assert "<style" not in page
    assert not re.search(r"\sstyle=", page)
    assert not re.search(r"\son[a-z]+=", page)
    csp = playground_response(page).headers["Content-Security-Policy"]
    assert "connect-src 'self'" in csp
