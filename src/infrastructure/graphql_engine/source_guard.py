"""A lexical pass over the raw query that bounds the work the GraphQL parser may be given."""

import re
from dataclasses import dataclass

from infrastructure.graphql_engine.error_codes import EngineErrorCode

# Ignored tokens (white space, commas, comments) are one alternative, matched as a whole run,
# so the loop below runs about once per real token; possessive quantifiers never backtrack.
_TOKEN = re.compile(
    r"""
    (?P<ignored>(?:[\ufeff\t\ \n\r,]++|\#[^\n\r]*+)++)
    | (?P<open>[{(\[])
    | (?P<close>[})\]])
    | \"\"\"(?:[^"\\]++|\\\"\"\"|\\|"(?!""))*+(?:\"\"\"|\Z)
    | "(?:[^"\\\n\r]++|\\.)*+"?
    | \.\.\. | [_A-Za-z][_0-9A-Za-z]*+ | -?[0-9][0-9.eE+\-]*+
    | [\s\S]
    """,
    re.VERBOSE,
)
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class SourceLimits:
    max_tokens: int = 10_000
    # Far above what a query within the selection depth limit needs (its selection sets add
    # at most 20 levels, arguments and input values the rest).
    max_nesting: int = 64


@dataclass(frozen=True, slots=True)
class SourceViolation:
    code: EngineErrorCode
    message: str


def check_source(query: str, limits: SourceLimits) -> SourceViolation | None:
    """The first reason `query` must not reach the parser, or None.

    tartiflette's parser (libgraphqlparser, then a recursive transformer) crashes the process, or
    fails, or takes far too long on documents that a request body can hold (which, and the tests
    that pin them: README.md). So before parsing, the token count and the bracket nesting are
    checked here, in linear time, stopping at the first excess.
    """
    if "\x00" in query:
        # libgraphqlparser reads a C string: it would silently ignore everything after a NUL.
        return SourceViolation(
            EngineErrorCode.GRAPHQL_PARSE_FAILED,
            "Syntax Error: the document contains a NUL character",
        )
    if _SURROGATE.search(query) is not None:
        # JSON can carry one ("\ud800"), UTF-8 cannot: a document is Unicode scalar values.
        return SourceViolation(
            EngineErrorCode.GRAPHQL_PARSE_FAILED,
            "Syntax Error: the document contains an unpaired surrogate",
        )
    tokens = 0
    depth = 0
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind == "ignored":
            continue
        tokens += 1
        if tokens > limits.max_tokens:
            return SourceViolation(
                EngineErrorCode.QUERY_TOO_COMPLEX,
                f"Query is too large: more than {limits.max_tokens} tokens",
            )
        if kind == "open":
            depth += 1
            if depth > limits.max_nesting:
                return SourceViolation(
                    EngineErrorCode.QUERY_TOO_DEEP,
                    f"Query nests more than {limits.max_nesting} levels of brackets",
                )
        elif kind == "close":
            depth -= 1
    return None
