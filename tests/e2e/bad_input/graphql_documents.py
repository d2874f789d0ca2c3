"""Hypothesis strategies for GraphQL documents: loosely built over both schemas, mostly invalid.

Names come from the two schemas, introspection and a few that exist nowhere; arguments,
variables, default values, directives, aliases and fragments are combined at random, so that
the validation of every kind of node meets values of every type.
"""

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from tests.e2e.bad_input.hostile_values import hostile_texts, json_values

FIELD_NAMES = (
    "commandApiVersion",
    "getUserAccount",
    "getUserAccounts",
    "getUserAccountsByIds",
    "searchUserAccounts",
    "createUserAccount",
    "id",
    "firstName",
    "fullName",
    "version",
    "createdAt",
    "__typename",
    "__schema",
    "__type",
    "types",
    "fields",
    "args",
    "type",
    "ofType",
    "name",
    "kind",
    "inputFields",
    "enumValues",
    "directives",
    "possibleTypes",
    "interfaces",
    "defaultValue",
    "nothing",
)
ARGUMENT_NAMES = (
    "userAccountId",
    "userAccountIds",
    "first",
    "after",
    "searchTerm",
    "input",
    "name",
    "includeDeprecated",
    "if",
    "reason",
    "bogus",
)
TYPE_NAMES = (
    "Query",
    "Mutation",
    "UserAccount",
    "UserAccountCommandResult",
    "CreateUserAccountInput",
    "String",
    "Int",
    "Boolean",
    "Float",
    "ID",
    "DateTime",
    "__Type",
    "__Schema",
    "__TypeKind",
    "Missing",
)
DIRECTIVE_NAMES = ("skip", "include", "deprecated", "specifiedBy", "bogus")
OPERATION_NAMES = ("A", "B", "query", "Q")
VARIABLE_NAMES = ("a", "b", "id", "first")

# Selection sets nest this deep at most: validation meets every kind of node within a few
# levels already.
_MAX_DEPTH = 3
LITERALS = (
    '"x"',
    '""',
    '"\\u00e9\\uD83D\\uDE00"',
    '"""block"""',
    "1",
    "-1",
    "2147483648",
    "1.5",
    "1e400",
    "true",
    "null",
    "ASC",
    "OBJECT",
    "[]",
    '["a", 1]',
    "[[null]]",
    "{}",
    "{a: 1}",
    '{firstName: "a", lastName: "b", emailAddress: "a@b.co"}',
    "{input: {nested: [1, {x: 2}]}}",
)
VARIABLES = ("$a", "$b", "$id", "$first", "{input: {nested: [1, {x: $a}]}}", "[$a, $b]")


class _Choices:
    """Choices read from bytes that hypothesis draws (one draw per document, which keeps the
    drawing cheap); zero bytes, where shrinking goes, read as the first, simplest choices."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._position = 0

    def below(self, count: int) -> int:
        if self._position >= len(self._data):
            return 0
        byte = self._data[self._position]
        self._position += 1
        return byte % count

    def pick(self, options: tuple[str, ...]) -> str:
        return options[self.below(len(options))]


def _arguments(choices: _Choices) -> str:
    count = choices.below(4)
    return (
        "("
        + ", ".join(
            f"{choices.pick(ARGUMENT_NAMES)}: {choices.pick(LITERALS)}" for _ in range(count)
        )
        + ")"
        if count
        else ""
    )


def _directives(choices: _Choices) -> str:
    return "".join(
        f" @{choices.pick(DIRECTIVE_NAMES)}{_arguments(choices)}" for _ in range(choices.below(3))
    )


def _selection_set(choices: _Choices, depth: int) -> str:
    count = 1 + choices.below(3)
    return "{ " + " ".join(_selection(choices, depth) for _ in range(count)) + " }"


def _selection(choices: _Choices, depth: int) -> str:
    kind = choices.below(6)
    if kind == 4:
        return f"...{choices.pick(OPERATION_NAMES)}{_directives(choices)}"
    if kind == 5 and depth < _MAX_DEPTH:
        condition = choices.pick(("", *(f" on {name}" for name in TYPE_NAMES)))
        return f"...{condition}{_directives(choices)} {_selection_set(choices, depth + 1)}"
    alias = choices.pick(("", "a: ", "b: ", "__typename: "))
    text = f"{alias}{choices.pick(FIELD_NAMES)}{_arguments(choices)}{_directives(choices)}"
    if depth < _MAX_DEPTH and choices.below(2):
        text += " " + _selection_set(choices, depth + 1)
    return text


def _type_reference(choices: _Choices) -> str:
    text = choices.pick(TYPE_NAMES)
    for _ in range(choices.below(3)):
        text = f"[{text}]" if text.endswith("!") else choices.pick((f"[{text}]", f"{text}!"))
    return text


def _variable_definitions(choices: _Choices) -> str:
    count = choices.below(4)
    definitions = []
    for _ in range(count):
        default = f" = {choices.pick(LITERALS)}" if choices.below(2) else ""
        definitions.append(f"${choices.pick(VARIABLE_NAMES)}: {_type_reference(choices)}{default}")
    return f"({', '.join(definitions)})" if definitions else ""


def _document(data: bytes) -> str:
    """Queries and fragments (never a mutation: the stores must not change)."""
    choices = _Choices(data)
    definitions = []
    for _ in range(1 + choices.below(2)):
        if choices.below(4) == 3:
            name = choices.pick(OPERATION_NAMES)
            on = choices.pick(TYPE_NAMES)
            definitions.append(f"fragment {name} on {on} {_selection_set(choices, 1)}")
            continue
        name = choices.pick(("", *OPERATION_NAMES))
        header = f"query {name}{_variable_definitions(choices)}{_directives(choices)}"
        definitions.append(f"{header} {_selection_set(choices, 1)}".strip())
    return "\n".join(definitions)


@dataclass(frozen=True, slots=True)
class Document:
    query: str
    variables: dict[str, Any]
    operation_name: str | None


documents = st.builds(
    Document,
    st.binary(min_size=1, max_size=300).map(_document),
    st.dictionaries(st.sampled_from(VARIABLE_NAMES), json_values, max_size=3),
    st.none() | st.sampled_from(OPERATION_NAMES) | hostile_texts,
)


GRAPHQL_TOKENS = (
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ":",
    "...",
    "@",
    "$",
    "=",
    "!",
    "|",
    "&",
    "query",
    "mutation",
    "subscription",
    "fragment",
    "on",
    "true",
    "null",
    '"s"',
    '"""b"""',
    "1",
    "-1.5e9",
    "#c\n",
    *FIELD_NAMES[:8],
    *ARGUMENT_NAMES[:4],
    *TYPE_NAMES[:4],
)

token_soups = st.lists(
    st.one_of(st.sampled_from(GRAPHQL_TOKENS), hostile_texts), min_size=1, max_size=30
).map(" ".join)
