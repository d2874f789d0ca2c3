"""The lexical guard counts tokens and bracket nesting outside strings and comments."""

import time

import pytest

from infrastructure.graphql_engine import EngineErrorCode
from infrastructure.graphql_engine.source_guard import SourceLimits, check_source

pytestmark = pytest.mark.unit

SMALL = SourceLimits(max_tokens=10, max_nesting=3)
LINEAR_SCAN_BOUND_SECONDS = 10.0


@pytest.mark.parametrize(
    "query",
    [
        "{ a { b { c } } }",
        '{ a(x: "{{{{[[[[((((") }',
        '{ a(x: """ {{{{ \\""" [[[[ "" " """) }',
        "{ a # {{{{ [[[[ ((((\n }",
        '{ a(x: "\\" {{{{") }',
    ],
    ids=["three-levels", "string", "block-string", "comment", "escaped-quote"],
)
def test_brackets_in_strings_and_comments_do_not_nest(query: str) -> None:
    assert check_source(query, SMALL) is None


def test_a_fourth_level_is_too_deep() -> None:
    violation = check_source("{ a { b { c { d } } } }", SMALL)

    assert violation is not None
    assert violation.code == EngineErrorCode.QUERY_TOO_DEEP


def test_commas_white_space_and_comments_are_not_tokens() -> None:
    # Ten tokens, { a b c d e f g h }, once the commas and the comment are left out.
    assert check_source("{ a, b,,, c # x y z w v u t s\n d e f g h }", SMALL) is None


def test_the_eleventh_token_is_too_many() -> None:
    violation = check_source("{ a b c d e f g h i }", SMALL)

    assert violation is not None
    assert violation.code == EngineErrorCode.QUERY_TOO_COMPLEX


def test_a_nul_character_is_a_parse_failure() -> None:
    violation = check_source("{ a }\x00", SMALL)

    assert violation is not None
    assert violation.code == EngineErrorCode.GRAPHQL_PARSE_FAILED


@pytest.mark.parametrize(
    "query",
    [
        '{ a(x: """' + 'x\\"""' * 200_000 + '""") }',
        '{ a(x: "' + '\\"' * 400_000 + '") }',
        '{ a(x: """' + '"' * 2 + "x" * 1_000_000,
        "{ a }" + " ,\n" * 300_000 + "# " * 100_000,
    ],
    ids=["block-string", "escapes", "unterminated-block-string", "ignored"],
)
def test_a_mebibyte_of_strings_or_white_space_is_scanned_quickly(query: str) -> None:
    started = time.perf_counter()

    check_source(query, SourceLimits())

    # A linear scan takes a small fraction of this bound, however busy the machine; a scan that
    # backtracks (quadratic in the length) takes many times it.
    assert time.perf_counter() - started < LINEAR_SCAN_BOUND_SECONDS
