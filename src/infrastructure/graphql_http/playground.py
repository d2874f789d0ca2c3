"""The GraphiQL page served at GET /api/playground and GET /api/graphql, with its CSP."""

import html
import secrets

from aiohttp import web

from infrastructure.graphql_http.playground_assets import (
    GRAPHIQL_CSS,
    GRAPHIQL_JS,
    PLAYGROUND_CSS,
    PLAYGROUND_JS,
    REACT_DOM_JS,
    REACT_JS,
    asset_url,
)

# Replaced by a fresh nonce in every response; it cannot occur in a title (which is escaped).
_NONCE_SLOT = "<<csp-nonce>>"

# Everything the page loads comes from the app itself (see playground_assets), so the playground
# works with no internet access, and its Content-Security-Policy allows nothing else.
# GraphiQL's dialogs (Radix, react-remove-scroll) add <style> elements at run time: those carry
# the page's nonce (playground.js hands it over), so no 'unsafe-inline' is needed. The style
# sheet embeds its fonts and icons as data: URLs.
_CSP_TEMPLATE = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'nonce-{nonce}'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="{graphiql_css}">
  <link rel="stylesheet" href="{playground_css}">
</head>
<body>
  <div class="token-bar">
    <label for="token">Bearer token</label>
    <input id="token" type="password" autocomplete="off" spellcheck="false"
      placeholder="paste a token when the API wants one (AUTH_MODE=jwt); kept in this tab only">
    <button id="token-clear" type="button">Clear</button>
  </div>
  <div id="graphiql" data-endpoint="{endpoint}">Loading GraphiQL…</div>
  <noscript>The GraphiQL playground needs JavaScript.</noscript>
  <script src="{react_js}"></script>
  <script src="{react_dom_js}"></script>
  <script src="{graphiql_js}"></script>
  <script src="{playground_js}" nonce="{nonce}"></script>
</body>
</html>
"""


def playground_html(title: str, endpoint: str) -> str:
    """A GraphiQL page titled `title` that sends its requests to `endpoint` (same origin).

    Serve it with `playground_response`, which gives it its nonce.
    """
    return _PAGE.format(
        title=html.escape(title),
        endpoint=html.escape(endpoint),
        graphiql_css=asset_url(GRAPHIQL_CSS),
        playground_css=asset_url(PLAYGROUND_CSS),
        react_js=asset_url(REACT_JS),
        react_dom_js=asset_url(REACT_DOM_JS),
        graphiql_js=asset_url(GRAPHIQL_JS),
        playground_js=asset_url(PLAYGROUND_JS),
        nonce=_NONCE_SLOT,
    )


def playground_response(page: str) -> web.Response:
    """`page` (from playground_html) with a fresh CSP nonce and the headers that protect it."""
    nonce = secrets.token_urlsafe(18)
    return web.Response(
        text=page.replace(_NONCE_SLOT, nonce),
        content_type="text/html",
        headers={
            "Content-Security-Policy": _CSP_TEMPLATE.format(nonce=nonce),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            # The page names versioned assets and a nonce: never reuse an old copy unchecked.
            "Cache-Control": "no-store",
        },
    )
