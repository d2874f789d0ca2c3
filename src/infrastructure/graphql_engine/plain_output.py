"""install_plain_output: complete plain objects in one pass instead of field by field."""

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from tartiflette.constants import UNDEFINED_VALUE
from tartiflette.language.ast import FieldNode
from tartiflette.schema.schema import GraphQLSchema
from tartiflette.types.field import GraphQLField
from tartiflette.types.list import GraphQLList
from tartiflette.types.non_null import GraphQLNonNull
from tartiflette.types.object import GraphQLObjectType
from tartiflette.types.scalar import GraphQLScalarType

OutputCoercer = Callable[..., Any]
Leaf = Callable[[Any], Any]
# A field type: ("non_null", inner), ("list", inner) or ("object", {field name: leaf}).
Shape = tuple[str, Any]

# getattr(parent, name) comes first in tartiflette's default resolver: on a dict, these names
# are its methods, not its keys.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class IrregularValueError(Exception):
    """The value needs tartiflette's own completion."""


def install_plain_output(schema: GraphQLSchema) -> list[str]:
    """Give every field of `schema` whose type wraps a plain object the one-pass completion;
    the names of those fields ("Query.searchUserAccounts").

    tartiflette completes every field of a resolved object on its own, a dozen awaited calls per
    field of every item of a page (which calls: README.md, Accelerators). A "plain" object type here
    has only fields that tartiflette would resolve with its default resolver and complete with a
    scalar (no resolver of their own, no arguments, no directives). For a field whose type is such
    an object, or a list or non-null wrapping of one, the value is completed here in one pass when
    the query selects plain fields of it (no fragment, no directive, no `__typename`), exactly as
    tartiflette would. Anything irregular (a null where the schema says non-null, a value a scalar
    refuses, an exception in a list) hands the value to tartiflette's own coercer, which completes
    it again from the start and reports the errors as it always does: completing reads values
    already in memory, so doing it twice is harmless.
    """
    installed = []
    for type_definition in list(schema.type_definitions.values()):
        if not isinstance(type_definition, GraphQLObjectType) or _introspection(type_definition):
            continue
        for field in type_definition.implemented_fields.values():
            shape = plain_shape(field.graphql_type)
            if shape is None or field.resolver is None:
                continue
            resolver: partial[Any] = field.resolver
            standard = resolver.keywords["output_coercer"]
            field.resolver = partial(
                resolver.func,
                *resolver.args,
                **{**resolver.keywords, "output_coercer": _coercer(shape, standard)},
            )
            installed.append(f"{type_definition.name}.{field.name}")
    return installed


def plain_shape(graphql_type: Any) -> Shape | None:
    """The shape of a type that wraps a plain object (scalars and the rest: None)."""
    if isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        inner = plain_shape(graphql_type.wrapped_type)
        kind = "non_null" if isinstance(graphql_type, GraphQLNonNull) else "list"
        return None if inner is None else (kind, inner)
    if (
        isinstance(graphql_type, GraphQLObjectType)
        and not graphql_type.directives
        and not _introspection(graphql_type)
    ):
        leaves = {}
        for field in graphql_type.implemented_fields.values():
            if field.name.startswith("__"):  # __typename: left to tartiflette, when selected
                continue
            leaf = _leaf(field)
            if leaf is None:
                return None
            leaves[field.name] = leaf
        return ("object", leaves)
    return None


def _introspection(object_type: GraphQLObjectType) -> bool:
    # tartiflette runs introspection directives on every field of these: left to it.
    return bool(object_type.name.startswith("__"))


def _leaf(field: GraphQLField) -> Leaf | None:
    """How tartiflette completes `field` with its default resolver and a scalar, or None."""
    if field.raw_resolver is not None or field.directives or field.arguments:
        return None
    graphql_type: Any = field.graphql_type
    non_null = isinstance(graphql_type, GraphQLNonNull)
    scalar = graphql_type.wrapped_type if non_null else graphql_type
    if not isinstance(scalar, GraphQLScalarType) or scalar.directives:
        return None
    coerce_output = scalar.coerce_output
    if coerce_output is None:
        return None
    name = field.name
    shadowed_by_dict = name in _DICT_ATTRIBUTES

    def complete(parent: Any) -> Any:
        if type(parent) is dict and not shadowed_by_dict:
            value = parent.get(name)
        else:
            value = _default_resolution(parent, name)
        if value is None:
            if non_null:
                raise IrregularValueError
            return None
        coerced = coerce_output(value)
        if coerced is UNDEFINED_VALUE:
            raise IrregularValueError
        return coerced

    return complete


def _default_resolution(parent: Any, name: str) -> Any:
    """What tartiflette's `default_field_resolver` answers."""
    try:
        return getattr(parent, name)
    except AttributeError:
        pass
    try:
        return parent[name]
    except (KeyError, TypeError):
        return None


def _coercer(shape: Shape, standard: OutputCoercer) -> OutputCoercer:
    async def coerce(
        result: Any, info: Any, execution_context: Any, field_nodes: list[Any], path: Any
    ) -> Any:
        selected = selected_leaves(shape, field_nodes)
        if selected is not None:
            try:
                return complete_plain(result, shape, selected)
            except Exception:  # anything irregular is for tartiflette to complete and report
                pass
        return await standard(result, info, execution_context, field_nodes, path)

    return coerce


def selected_leaves(shape: Shape, field_nodes: Sequence[Any]) -> list[tuple[str, Leaf]] | None:
    """(response key, leaf) of each selected field, or None when the selection is not plain."""
    if len(field_nodes) != 1 or field_nodes[0].selection_set is None:
        return None
    while shape[0] != "object":
        shape = shape[1]
    leaves = shape[1]
    selected = []
    for selection in field_nodes[0].selection_set.selections:
        if type(selection) is not FieldNode or selection.directives:
            return None
        leaf = leaves.get(selection.name.value)
        if leaf is None:  # __typename, or a field validation would have refused
            return None
        key = selection.alias.value if selection.alias is not None else selection.name.value
        selected.append((key, leaf))
    return selected


def complete_plain(value: Any, shape: Shape, selected: Sequence[tuple[str, Leaf]]) -> Any:
    kind, inner = shape
    if kind == "non_null":
        if value is None:
            raise IrregularValueError
        return complete_plain(value, inner, selected)
    if value is None:
        return None
    if isinstance(value, Exception):
        raise IrregularValueError
    if kind == "list":
        if not isinstance(value, list):
            raise IrregularValueError
        return [complete_plain(item, inner, selected) for item in value]
    return {key: leaf(value) for key, leaf in selected}
