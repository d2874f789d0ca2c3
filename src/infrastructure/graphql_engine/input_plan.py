"""input_coercer: a variable's value coerced as tartiflette coerces it, when that is simple."""

from collections.abc import Callable
from typing import Any

from tartiflette.constants import UNDEFINED_VALUE
from tartiflette.types.input_object import GraphQLInputObjectType
from tartiflette.types.list import GraphQLList
from tartiflette.types.non_null import GraphQLNonNull
from tartiflette.types.scalar import GraphQLScalarType

InputCoercer = Callable[[Any], Any]


class UnusualInputError(Exception):
    """The value needs tartiflette's own coercion (it is invalid, or coercing it is not plain)."""


def input_coercer(graphql_type: Any) -> InputCoercer | None:
    """The one-pass coercer of `graphql_type`, or None when its coercion is not plain.

    For the input types whose coercion is plain (scalars, lists and input objects, none of them with
    directives or field defaults), the function compiled here answers the same value as
    tartiflette's chain of awaited wrappers per type (README.md, Accelerators) in one synchronous
    pass, calling the scalars' own `coerce_input`. It answers only values that coerce without error
    and raises `UnusualInputError` on anything else (a null where the type forbids it, a missing or
    unknown input field, a value the scalar refuses, a non-list for a list type): the caller then
    leaves the request to tartiflette, which reports the error with its own message and location.
    """
    if isinstance(graphql_type, GraphQLNonNull):
        inner = input_coercer(graphql_type.wrapped_type)
        return None if inner is None else _non_null(inner)
    if isinstance(graphql_type, GraphQLList):
        inner = input_coercer(graphql_type.wrapped_type)
        return None if inner is None else _nullable(_list(inner))
    if isinstance(graphql_type, GraphQLScalarType):
        if graphql_type.directives or graphql_type.coerce_input is None:
            return None
        return _nullable(_scalar(graphql_type.coerce_input))
    if isinstance(graphql_type, GraphQLInputObjectType):
        return _input_object(graphql_type)
    return None  # enums and anything else: tartiflette's


def _non_null(inner: InputCoercer) -> InputCoercer:
    def coerce(value: Any) -> Any:
        if value is None:
            raise UnusualInputError
        return inner(value)

    return coerce


def _nullable(inner: InputCoercer) -> InputCoercer:
    def coerce(value: Any) -> Any:
        return None if value is None else inner(value)

    return coerce


def _list(inner: InputCoercer) -> InputCoercer:
    # tartiflette wraps a single value into a list: left to it, as unusual.
    def coerce(value: Any) -> Any:
        if type(value) is not list:
            raise UnusualInputError
        return [inner(item) for item in value]

    return coerce


def _scalar(coerce_input: Callable[[Any], Any]) -> InputCoercer:
    def coerce(value: Any) -> Any:
        try:
            coerced = coerce_input(value)
        except Exception as error:
            raise UnusualInputError from error
        if coerced is UNDEFINED_VALUE:
            raise UnusualInputError
        return coerced

    return coerce


def _input_object(object_type: GraphQLInputObjectType) -> InputCoercer | None:
    if object_type.directives:
        return None
    fields: list[tuple[str, InputCoercer, bool]] = []
    for name, field in object_type.input_fields.items():
        if field.directives or field.default_value is not None:
            return None
        coercer = input_coercer(field.graphql_type)
        if coercer is None:
            return None
        fields.append((name, coercer, isinstance(field.graphql_type, GraphQLNonNull)))
    known = frozenset(name for name, _, _ in fields)

    def coerce(value: Any) -> Any:
        if type(value) is not dict or not known.issuperset(value):
            raise UnusualInputError
        coerced = {}
        # In the schema's order of fields, as tartiflette builds it.
        for name, field_coercer, required in fields:
            if name in value:
                coerced[name] = field_coercer(value[name])
            elif required:
                raise UnusualInputError
        return coerced

    return _nullable(coerce)
