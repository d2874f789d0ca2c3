"""The GraphiQL page served at GET /api/playground and GET /api/graphql.

For now its scripts come from a CDN (unpkg); this is the one place to change to serve them
from the package instead.
"""

import html
import json

_GRAPHIQL_VERSION = "3"
_REACT_VERSION = "18"
_CDN = "https://unpkg.com"

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
  <link rel="stylesheet" href="{cdn}/graphiql@{graphiql}/graphiql.min.css">
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script crossorigin src="{cdn}/react@{react}/umd/react.production.min.js"></script>
  <script crossorigin src="{cdn}/react-dom@{react}/umd/react-dom.production.min.js"></script>
  <script crossorigin src="{cdn}/graphiql@{graphiql}/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({{ url: {endpoint} }});
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(GraphiQL, {{ fetcher: fetcher, defaultEditorToolsVisibility: true }})
    );
  </script>
</body>
</html>
"""


def playground_html(title: str, endpoint: str) -> str:
    """A GraphiQL page titled `title` that sends its requests to `endpoint`."""
    # The endpoint lands in a script as a JS string literal; no "<" may close the script.
    endpoint_literal = json.dumps(endpoint).replace("<", "\\u003c")
    return _PAGE.format(
        title=html.escape(title),
        cdn=_CDN,
        graphiql=_GRAPHIQL_VERSION,
        react=_REACT_VERSION,
        endpoint=endpoint_literal,
    )
