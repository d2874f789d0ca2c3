"""The HTTP layer stays generic, and words an unexpected failure as the engine does."""

from pathlib import Path

import pytest

import infrastructure.http
from infrastructure.graphql_engine.error_codes import internal_error_message as engine_message
from infrastructure.http.error_codes import internal_error_message as http_message

pytestmark = pytest.mark.unit


def test_the_http_package_names_no_graphql_engine() -> None:
    package = Path(infrastructure.http.__file__).parent
    sources = {
        path.name: path.read_text(encoding="utf-8").lower() for path in package.rglob("*.py")
    }

    assert [
        name for name, text in sources.items() if "graphql" in text or "tartiflette" in text
    ] == []


def test_an_internal_error_reads_the_same_whichever_layer_answers_it() -> None:
    # The middleware answers what escaped a handler; the engine what escaped a resolver.
    assert (
        http_message("abc")
        == engine_message("abc")
        == ("Internal server error (correlation id: abc)")
    )
