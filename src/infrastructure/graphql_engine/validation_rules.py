"""tartiflette's query validation rules, with two that failed on some invalid documents fixed."""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from tartiflette.language.ast import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
)
from tartiflette.language.validators.query import RULE_SET
from tartiflette.language.validators.query.fragment_name_uniqueness import FragmentNameUniqueness
from tartiflette.language.validators.query.fragment_spreads_must_not_form_cycles import (
    FragmentSpreadsMustNotFormCycles,
)
from tartiflette.language.validators.query.values_of_correct_type import ValuesOfCorrectType
from tartiflette.types.enum import GraphQLEnumType
from tartiflette.types.list import GraphQLList
from tartiflette.types.non_null import GraphQLNonNull
from tartiflette.types.scalar import GraphQLScalarType
from tartiflette.utils.errors import graphql_error_from_nodes

from infrastructure.graphql_engine.limits import MAX_FRAGMENT_CHAIN


class _ValuesOfCorrectType(ValuesOfCorrectType):
    """Values of Correct Type (spec 5.6.1), also for a list or an object where a scalar or an
    enum is expected: tartiflette's rule quotes `value_node.value` in its message, which those
    nodes lack, and its AttributeError failed the request (`__type(name: [1])`)."""

    def _validate(
        self,
        r_argument_schema_type: Any,
        c_argument_schema_type: Any,
        arg: Any,
        path: Any,
        errors: list[Any],
        schema: Any,
        value_node: Any = None,
        input_field: Any = None,
    ) -> list[Any]:
        node = arg.value if value_node is None else value_node
        if (
            isinstance(node, ListValueNode | ObjectValueNode)
            and not isinstance(c_argument_schema_type, GraphQLNonNull | GraphQLList)
            and isinstance(r_argument_schema_type, GraphQLScalarType | GraphQLEnumType)
        ):
            kind = "A list" if isinstance(node, ListValueNode) else "An object"
            errors.append(
                graphql_error_from_nodes(
                    message=f"{kind} is not of correct type {r_argument_schema_type.name}",
                    nodes=input_field or arg,
                    extensions=self._extensions,
                    path=path,
                )
            )
            return errors
        # tartiflette does not annotate its validation rules.
        validated: list[Any] = super()._validate(  # type: ignore[no-untyped-call]
            r_argument_schema_type,
            c_argument_schema_type,
            arg,
            path,
            errors,
            schema,
            value_node=value_node,
            input_field=input_field,
        )
        return validated


class _FragmentSpreadsMustNotFormCycles(FragmentSpreadsMustNotFormCycles):
    """Fragment Spreads Must Not Form Cycles (spec 5.5.2.2), preceded by Fragment Name
    Uniqueness (5.5.1.1) and a bound on how deep fragments spread each other.

    tartiflette's own rule looks for spreads only at the top of a fragment, takes a fragment
    spread twice for a cycle, and checks the first of two fragments of the same name; the
    rules after it follow spreads by name, recursively, and recursed until the stack ran out
    on a cycle it missed (`fragment A on Query { ...A }` after another fragment A). This one
    walks every spread without recursion and, on any error, stops the validation (as
    tartiflette's does, `abort`), so that no rule after it meets such a document.
    """

    def validate(self, fragments: Sequence[Any], path: Any = None, **_: Any) -> list[Any]:
        duplicated: list[Any] = _NAME_UNIQUENESS.validate(  # type: ignore[no-untyped-call]
            path=path, fragments=fragments
        )
        if duplicated:
            return duplicated
        by_name = {fragment.name.value: fragment for fragment in fragments}
        spreads = {name: _spread_names(fragment) for name, fragment in by_name.items()}
        problem = _first_problem(spreads)
        if problem is None:
            return []
        name, message = problem
        return [
            graphql_error_from_nodes(
                message=message, nodes=by_name[name], path=None, extensions=self._extensions
            )
        ]


_NAME_UNIQUENESS = FragmentNameUniqueness()


def _spread_names(fragment: Any) -> list[str]:
    """The names of the fragments `fragment` spreads, at any depth of its selections."""
    names: list[str] = []
    pending = [fragment.selection_set]
    while pending:
        selection_set = pending.pop()
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FragmentSpreadNode):
                names.append(selection.name.value)
            elif isinstance(selection, FieldNode | InlineFragmentNode):
                pending.append(selection.selection_set)
    return names


def _first_problem(spreads: Mapping[str, Sequence[str]]) -> tuple[str, str] | None:
    """A fragment that spreads itself, or that starts a chain of spreads too long, with what
    is wrong; a depth-first walk with an explicit stack."""
    chain_length: dict[str, int] = {}  # of the fragments walked, the longest chain they start
    on_path: set[str] = set()
    for root in spreads:
        if root in chain_length:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(spreads[root]))]
        on_path.add(root)
        while stack:
            name, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                on_path.discard(name)
                longest = max(
                    (chain_length.get(next_name, 0) for next_name in spreads[name]), default=0
                )
                chain_length[name] = 1 + longest
                if chain_length[name] > MAX_FRAGMENT_CHAIN:
                    return name, (
                        f"Fragments spread each other more than {MAX_FRAGMENT_CHAIN} levels deep."
                    )
            elif child in on_path:
                return child, f"Fragment < {child} > spreads itself."
            elif child in spreads and child not in chain_length:
                on_path.add(child)
                stack.append((child, iter(spreads[child])))
    return None


def query_rules() -> dict[str, Any]:
    """tartiflette's rule set, the fixed rules in place of its own."""
    return {
        **RULE_SET,
        _ValuesOfCorrectType.RULE_NAME: _ValuesOfCorrectType(),
        _FragmentSpreadsMustNotFormCycles.RULE_NAME: _FragmentSpreadsMustNotFormCycles(abort=True),
    }
