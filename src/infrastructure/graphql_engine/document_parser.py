"""parse_document: tartiflette's parsing and validation of a query, with its defects worked
around."""

from functools import cache
from typing import Any

from tartiflette.language.ast import DocumentNode
from tartiflette.language.parsers.libgraphqlparser.parser import _parse_to_json_ast
from tartiflette.language.parsers.libgraphqlparser.transformers import (
    _parse_definition,
    _parse_location,
)
from tartiflette.language.validators import Validators
from tartiflette.schema.schema import GraphQLSchema

from infrastructure.graphql_engine.limits import LimitViolation, QueryLimits, check_limits
from infrastructure.graphql_engine.string_escapes import rewrite_unicode_escapes
from infrastructure.graphql_engine.validation_rules import query_rules

# tartiflette's order (transformers._parse_definitions), and what each rule is given.
_FRAGMENT_RULES = (
    "fragment-spreads-must-not-form-cycles",
    "operation-name-uniqueness",
    "lone-anonymous-operation",
    "single-root-field",
    "fragment-name-uniqueness",
    "fragment-spread-target-defined",
    "fragment-must-be-used",
    "fragment-spread-is-possible",
)
_VARIABLE_RULES = (
    "all-variable-uses-defined",
    "all-variables-used",
    "all-variable-usages-are-allowed",
)


class QueryLimitError(Exception):
    """The document exceeds a selection limit; it was not validated to the end."""

    def __init__(self, violation: LimitViolation) -> None:
        super().__init__(violation.message)
        self.violation = violation


def parse_document(query: str, schema: GraphQLSchema, limits: QueryLimits) -> DocumentNode:
    """The document of `query`, its validation errors in `document.validators.errors`.

    It does what tartiflette's `parse_to_document` does (libgraphqlparser, then the transformation
    into tartiflette's AST, which runs the validation rules), with three changes: the query is read
    after `rewrite_unicode_escapes`; the rules are `query_rules()`; and the selection limits are
    checked before the three rules about variables, which follow fragment spreads without memory
    (exponentially many walks: README.md, the defects' table). It uses private functions of
    tartiflette 1.4 (pinned in constraints.txt): their public wrapper hard-codes the rule set and
    the order.

    Raises tartiflette's GraphQLSyntaxError when the query does not parse, QueryLimitError
    when it selects too deep or too much.
    """
    document_ast = schema.json_loader(_parse_to_json_ast(rewrite_unicode_escapes(query)))
    validators = Validators(schema, _rules())
    fragments: list[Any] = []
    operations: list[Any] = []
    for definition_ast in document_ast["definitions"] or ():
        # tartiflette annotates `path` as a Path, and itself passes None at the top level.
        definition = _parse_definition(definition_ast, validators, None)  # type: ignore[arg-type]
        kind = definition_ast["kind"]
        (fragments if kind == "FragmentDefinition" else operations).append(definition)
    arguments: dict[str, Any] = {
        "fragments": fragments,
        "operations": operations,
        "definitions": {"FragmentDefinition": fragments, "OperationDefinition": operations},
    }
    for rule in _FRAGMENT_RULES:
        validators.validate(rule=rule, path=None, **_arguments_of(rule, arguments))
    violation = check_limits([*fragments, *operations], limits)
    if violation is not None:
        raise QueryLimitError(violation)
    for rule in _VARIABLE_RULES:
        validators.validate(rule=rule, path=None, operations=operations)
    definitions = [*fragments, *operations]
    validators.validate(rule="executable-definitions", definitions=definitions, path=None)
    return DocumentNode(
        definitions=definitions,
        validators=validators,
        hash_id=hash(query),
        location=_parse_location(document_ast["loc"]),
    )


def _arguments_of(rule: str, arguments: dict[str, Any]) -> dict[str, Any]:
    if rule in ("operation-name-uniqueness", "lone-anonymous-operation"):
        return {"operations": arguments["operations"]}
    if rule == "single-root-field":
        return {"definitions": arguments["definitions"]}
    return {"fragments": arguments["fragments"]}


@cache
def _rules() -> dict[str, Any]:
    # Built on first use and shared, as tartiflette shares its own (the rules keep no state).
    return query_rules()
