"""Module docstrings stay a line or two, and no comment or docstring in src/ quotes a measured
figure: the explanation lives with the class or function, the figures in docs/performance.md."""

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
MAX_MODULE_DOCSTRING_LINES = 3

# A measured figure: a number (or "tens/hundreds/thousands of") followed by a unit of time below
# the second, a percentage or a rate; a number followed by "×" or glued to "x"; "N times faster".
# Not figures, and not matched: sizes and limits ("1 MiB", "at most 1 s", "10 characters"), a
# unit with no number before it ("milliseconds since the epoch"), a `%` of SQL's LIKE.
_FIGURE = re.compile(
    r"(?<![\w.])(?:\d(?:[\d,._]*\d)?|tens|hundreds|thousands)\s*(?:of\s+)?"
    r"(?:µs|μs|ms|microseconds?|milliseconds?|%|per\s?cent|req/s|requests?\s+per\s+second)"
    r"(?![\w/])"
    r"|(?<![\w.])\d(?:[\d.]*\d)?\s*×|(?<![\w.])\d(?:[\d.]*\d)?x(?!\w)"
    r"|\b(?:\d(?:[\d.]*\d)?|two|three|four|five|six|seven|eight|nine|ten|several|many)"
    r"\s+times\s+(?:faster|slower|cheaper|quicker|as\s+fast|as\s+slow)\b",
    re.IGNORECASE,
)


def _modules(*roots: str) -> list[Path]:
    """Every Python module under `roots`, except the code protoc generates."""
    return sorted(
        path
        for root in roots
        for path in (ROOT / root).rglob("*.py")
        if not path.name.endswith(("_pb2.py", "_pb2_grpc.py"))
    )


def _comments_and_docstrings(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every comment and every module, class and function docstring."""
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = ast.get_docstring(node)
            if docstring is not None:
                yield (node.body[0].lineno, docstring)


def test_the_walk_finds_the_modules_and_leaves_out_generated_code() -> None:
    modules = {path.relative_to(ROOT).as_posix() for path in _modules("src", "devstack")}

    assert "src/infrastructure/graphql_engine/prepared_operation.py" in modules
    assert "devstack/spawn.py" in modules
    assert not [name for name in modules if "_pb2" in name]


def test_every_module_says_what_it_is_and_why_in_a_line_or_two() -> None:
    too_long = {}
    missing = []
    for path in _modules("src", "devstack"):
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        name = path.relative_to(ROOT).as_posix()
        if docstring is None:
            missing.append(name)
        elif len(docstring.splitlines()) > MAX_MODULE_DOCSTRING_LINES:
            too_long[name] = len(docstring.splitlines())

    assert missing == []
    # The rest of an explanation goes to the module's main class or function (or, for the GraphQL
    # engine, its README.md).
    assert too_long == {}


@pytest.mark.parametrize(
    "text",
    [
        "about 42 µs per request",
        "a third of the CPU (12 %)",
        "3,100 req/s",
        "0.8 ms at p99",
        "pauses of tens to hundreds of milliseconds",
        "2.5× the throughput",
        "a 3x speed-up",
        "several times faster than the standard library",
    ],
)
def test_a_measured_figure_is_recognised(text: str) -> None:
    assert _FIGURE.search(text)


@pytest.mark.parametrize(
    "text",
    [
        "which a 1 MiB body holds many times over",
        "a twentieth of the limit, at most 1 s",
        "48 bits of Unix time in milliseconds (10 characters)",
        "`expires_at` in milliseconds since the epoch",
        "`term` with the LIKE wildcards `%` and `_` made literal",
        "a 0x7F byte",
        "HTTP 503 with Retry-After",
    ],
)
def test_a_limit_or_a_unit_alone_is_no_figure(text: str) -> None:
    assert not _FIGURE.search(text)


def test_no_comment_or_docstring_in_src_quotes_a_measured_figure() -> None:
    figures = [
        f"{path.relative_to(ROOT).as_posix()}:{line}: {match.group(0)!r}"
        for path in _modules("src")
        for line, text in _comments_and_docstrings(path.read_text(encoding="utf-8"))
        for match in _FIGURE.finditer(text)
    ]

    # Figures live in docs/performance.md; a comment keeps the reason in words.
    assert figures == []
