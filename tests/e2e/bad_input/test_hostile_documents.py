"""Hostile GraphQL documents on both APIs: random structures over the schemas, token soups and
arbitrary text. Every answer is well formed and reading changes nothing."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.e2e.bad_input.answers import send_graphql
from tests.e2e.bad_input.graphql_documents import Document, documents, token_soups
from tests.e2e.bad_input.hostile_values import SPECIAL_CHARACTERS, SURROGATES
from tests.e2e.bad_input.served_stack import ServedApis, Stores
from tests.e2e.bad_input.suite import SUITE

pytestmark = pytest.mark.e2e

arbitrary_texts = st.text(
    st.one_of(st.characters(), SURROGATES, st.sampled_from(SPECIAL_CHARACTERS)), max_size=60
)


@settings(SUITE, max_examples=500)
@given(documents)
async def test_a_document_of_any_structure_is_answered_cleanly(
    served_apis: ServedApis, stores: Stores, document: Document
) -> None:
    before = await stores.state()

    for client in (served_apis.command, served_apis.query):
        answer = await send_graphql(
            client, document.query, document.variables, operationName=document.operation_name
        )

        assert await stores.state() == before, answer


@settings(SUITE, max_examples=150)
@given(st.one_of(token_soups, arbitrary_texts))
async def test_any_text_as_a_document_is_answered_cleanly(
    served_apis: ServedApis, stores: Stores, text: Any
) -> None:
    before = await stores.state()

    for client in (served_apis.command, served_apis.query):
        answer = await send_graphql(client, text if text.strip() else text + "{")

        if not answer.succeeded:
            assert answer.codes[0] in {
                "GRAPHQL_PARSE_FAILED",
                "GRAPHQL_VALIDATION_FAILED",
                "QUERY_TOO_DEEP",
                "QUERY_TOO_COMPLEX",
                "VALIDATION_ERROR",
            }, answer
        assert await stores.state() == before
