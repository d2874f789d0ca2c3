"""Unicode in a GraphQL document: what reaches the parser, and how `\\u` escapes are read."""

import pytest
from tartiflette.types.exceptions.tartiflette import GraphQLSyntaxError

from infrastructure.graphql_engine import EngineErrorCode
from infrastructure.graphql_engine.source_guard import SourceLimits, check_source
from infrastructure.graphql_engine.string_escapes import rewrite_unicode_escapes

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("query", ["{ a }\ud800", '{ a(b: "\udfff") }', "# \udbff\n{ a }"])
def test_an_unpaired_surrogate_never_reaches_the_parser(query: str) -> None:
    violation = check_source(query, SourceLimits())

    assert violation is not None
    assert violation.code is EngineErrorCode.GRAPHQL_PARSE_FAILED
    assert violation.message == "Syntax Error: the document contains an unpaired surrogate"


def test_a_surrogate_pair_is_one_character_and_passes() -> None:
    assert check_source('{ a(b: "\U0001f600") }', SourceLimits()) is None


@pytest.mark.parametrize(
    ("query", "rewritten"),
    [
        ('{ a(b: "\\u00e9") }', '{ a(b: "\u00e9") }'),
        ('{ a(b: "x\\u05D0\\u200Fy") }', '{ a(b: "x\u05d0\u200fy") }'),
        ('{ a(b: "\\uD83D\\uDE00") }', '{ a(b: "\U0001f600") }'),
        ('{ a(b: "\\ud83d\\ude00\\u00E9") }', '{ a(b: "\U0001f600\u00e9") }'),
        ('{ a(b: "\\u0080\\uFFFF") }', '{ a(b: "\x80\uffff") }'),
    ],
)
def test_escapes_beyond_ascii_become_their_characters(query: str, rewritten: str) -> None:
    assert rewrite_unicode_escapes(query) == rewritten


@pytest.mark.parametrize(
    "query",
    [
        '{ a(b: "\\u0041\\u0022\\u005c\\u000a\\u007F") }',  # ASCII escapes: read right as they are
        '{ a(b: "\\\\u00e9") }',  # an escaped backslash, then the letters u00e9
        '{ a(b: """\\u00e9""") }',  # block strings have no \\u escapes
        '{ a } # "\\u00e9"',  # nor do comments
        "{ a }",
    ],
)
def test_everything_else_is_left_as_it_is(query: str) -> None:
    assert rewrite_unicode_escapes(query) == query


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('{ a(b: "x\\u0000") }', "1.10: the escape \\u0000 (NUL) is not accepted"),
        ('{ a(b: "\\uD800") }', "1.9: invalid Unicode escape \\uD800: an unpaired surrogate"),
        (
            '{\n  a(b: "\\uDE00\\uD83D") }',
            "2.9: invalid Unicode escape \\uDE00: an unpaired surrogate",
        ),
        ('{ a(b: "\\uD83Dx") }', "1.9: invalid Unicode escape \\uD83D: an unpaired surrogate"),
    ],
)
def test_nul_and_unpaired_surrogate_escapes_are_syntax_errors(query: str, message: str) -> None:
    with pytest.raises(GraphQLSyntaxError) as raised:
        rewrite_unicode_escapes(query)

    assert raised.value.message == message
