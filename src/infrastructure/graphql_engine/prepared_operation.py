"""PreparedOperation: an operation of the usual shape compiled once and executed without
tartiflette's per-request machinery, answering exactly what tartiflette answers."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tartiflette.coercers.common import Path
from tartiflette.constants import UNDEFINED_VALUE
from tartiflette.execution.types import ResolveInfo
from tartiflette.language.ast import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    ListValueNode,
    NullValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    VariableNode,
)
from tartiflette.schema.schema import GraphQLSchema
from tartiflette.types.field import GraphQLField
from tartiflette.types.non_null import GraphQLNonNull
from tartiflette.types.scalar import GraphQLScalarType
from tartiflette.utils.type_from_ast import schema_type_from_ast

from infrastructure.graphql_engine.coded_error import CodedError
from infrastructure.graphql_engine.error_mapping import coded_error
from infrastructure.graphql_engine.input_plan import InputCoercer, UnusualInputError, input_coercer
from infrastructure.graphql_engine.plain_output import (
    Leaf,
    Shape,
    complete_plain,
    plain_shape,
    selected_leaves,
)
from infrastructure.graphql_engine.request import GraphQLResponse
from infrastructure.graphql_engine.resolver_replay import (
    RawResolver,
    RecordedOutcome,
    is_replayable,
)

_ABSENT = UNDEFINED_VALUE


@dataclass(frozen=True, slots=True)
class _Variable:
    name: str
    coerce: InputCoercer
    non_null: bool
    # The coerced default value; _ABSENT without one. A default that is not a plain literal
    # makes an absent variable unusual (`default_is_plain` False).
    default: Any
    default_is_plain: bool


@dataclass(frozen=True, slots=True)
class _Argument:
    name: str
    non_null: bool
    # Exactly one of: the variable it reads, or its value known in advance (a literal, or
    # its default when the field node does not give it).
    variable: str | None
    default: Any


@dataclass(frozen=True, slots=True)
class PreparedOperation:
    """One operation of one document, compiled.

    Every mutation and most queries are one root field with scalar or input-object arguments
    and a selection of plain scalar fields (`createUserAccount(input: $input) { id version }`).
    tartiflette executes such an operation through a dozen layers per request (the execution
    context, gathered variable and argument coercion, resolve info, directive wrappers, output
    coercers), most of a request's CPU in the Command API (docs/performance.md).
    `prepare_operation` compiles the operation once into what those layers amount to: coerce the
    variables (the one-pass coercers of input_plan), build the arguments, call the root field's
    resolver, and complete its value in one pass (plain_output).

    The plain outcome and a refusal (the resolver raised a CodedError) are answered here, a
    refusal exactly as tartiflette words it (error_mapping.coded_error at the field's path and
    location, and the field's null). Anything else goes back to tartiflette, unchanged:
    variables that do not coerce simply (before anything ran), and, once the resolver ran,
    another exception it raised or a value that needs tartiflette's completion (a null for a
    non-null field, a value a scalar refuses). The resolver is then not called again:
    tartiflette gets its recorded outcome (resolver_replay), so that a mutation is applied once
    and its errors are reported with tartiflette's own paths, locations and codes.
    """

    schema: GraphQLSchema
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    root_type: Any
    root_field: GraphQLField
    resolver: RawResolver
    field_node: FieldNode
    response_key: str
    # Where tartiflette locates an error of the root field; None when the node has no location.
    locations: list[dict[str, int]] | None
    variables: tuple[_Variable, ...]
    arguments: tuple[_Argument, ...]
    shape: Shape
    selected: tuple[tuple[str, Leaf], ...]

    async def run(
        self, raw_variables: Mapping[str, Any], context: Any
    ) -> GraphQLResponse | RecordedOutcome | None:
        """The response; or None when tartiflette must execute the request (nothing ran);
        or the resolver's outcome when tartiflette must complete it (the resolver ran)."""
        try:
            variable_values = self._coerce_variables(raw_variables)
            args = self._arguments(variable_values)
        except UnusualInputError:
            return None
        info = ResolveInfo(
            self.root_field.name,
            [self.field_node],
            self.root_field.graphql_type,
            self.root_type,
            Path(None, self.response_key),
            self.schema,
            self.fragments,
            None,
            self.operation,
            variable_values,
            False,
        )
        try:
            value = await self.resolver(None, args, context, info)
        except CodedError as refusal:
            return self._refused(refusal)
        except Exception as error:
            return RecordedOutcome(self.root_field, error=error)
        try:
            completed = complete_plain(value, self.shape, self.selected)
        except Exception:  # anything irregular: tartiflette completes and reports it
            return RecordedOutcome(self.root_field, value=value)
        return {"data": {self.response_key: completed}}

    def _refused(self, refusal: CodedError) -> GraphQLResponse:
        """tartiflette's answer to a refusal by the root field's resolver: the error at the
        field's path and location, and the field's null, which a non-null field passes on to
        `data` as a whole."""
        error = coded_error(refusal, path=[self.response_key], locations=self.locations)
        data = (
            None
            if isinstance(self.root_field.graphql_type, GraphQLNonNull)
            else {self.response_key: None}
        )
        return {"data": data, "errors": [error]}

    def _coerce_variables(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """As tartiflette's variable_coercer, for values that coerce without error."""
        values: dict[str, Any] = {}
        for variable in self.variables:
            if variable.name in raw:
                value = raw[variable.name]
                if value is None and variable.non_null:
                    raise UnusualInputError
                values[variable.name] = variable.coerce(value)
            elif variable.default is not _ABSENT:
                values[variable.name] = variable.default
            elif not variable.default_is_plain or variable.non_null:
                raise UnusualInputError
        return values

    def _arguments(self, variable_values: Mapping[str, Any]) -> dict[str, Any]:
        """As tartiflette's argument_coercer, for arguments that coerce without error."""
        args: dict[str, Any] = {}
        for argument in self.arguments:
            if argument.variable is None:
                if argument.default is not _ABSENT:
                    args[argument.name] = argument.default
                continue
            if argument.variable in variable_values:
                value = variable_values[argument.variable]
                if value is None and argument.non_null:
                    raise UnusualInputError
                args[argument.name] = value
            elif argument.default is not _ABSENT:
                args[argument.name] = argument.default
            elif argument.non_null:
                raise UnusualInputError
        return args


def prepare_operation(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> PreparedOperation | None:
    """The operation `operation_name` of a validated `document` compiled, or None when it is
    not of the usual shape (or not found: tartiflette then reports it)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if operation_name:
        found = [o for o in operations if o.name is not None and o.name.value == operation_name]
    else:
        found = operations
    if len(found) != 1:
        return None
    operation = found[-1]
    if operation.operation_type not in ("query", "mutation") or operation.directives:
        return None
    root_type = schema.find_type(
        schema.query_operation_name
        if operation.operation_type == "query"
        else schema.mutation_operation_name
    )
    selections = operation.selection_set.selections
    if len(selections) != 1 or type(selections[0]) is not FieldNode:
        return None
    node: FieldNode = selections[0]
    if node.directives or node.name.value.startswith("__"):
        return None
    root_field = root_type.implemented_fields.get(node.name.value)
    if root_field is None or root_field.raw_resolver is None or not is_replayable(root_field):
        return None
    shape = plain_shape(root_field.graphql_type)
    selected = None if shape is None else selected_leaves(shape, [node])
    variables = _variables(schema, operation)
    arguments = _arguments(root_field, node)
    if shape is None or selected is None or variables is None or arguments is None:
        return None
    return PreparedOperation(
        schema=schema,
        operation=operation,
        fragments=fragments,
        root_type=root_type,
        root_field=root_field,
        resolver=root_field.raw_resolver,
        field_node=node,
        response_key=node.alias.value if node.alias is not None else node.name.value,
        locations=_locations(node),
        variables=variables,
        arguments=arguments,
        shape=shape,
        selected=tuple(selected),
    )


def _locations(node: FieldNode) -> list[dict[str, int]] | None:
    # As tartiflette's located_error and TartifletteError.coerce_value build them.
    location = node.location
    if location is None:
        return None
    return [{"line": location.line, "column": location.column}]


def _variables(
    schema: GraphQLSchema, operation: OperationDefinitionNode
) -> tuple[_Variable, ...] | None:
    variables = []
    for definition in operation.variable_definitions or ():
        graphql_type = schema_type_from_ast(schema, definition.type)
        coerce = input_coercer(graphql_type)
        if coerce is None:
            return None
        default, default_is_plain = _ABSENT, True
        if definition.default_value is not None:
            default = _literal(graphql_type, definition.default_value)
            default_is_plain = default is not _ABSENT
        variables.append(
            _Variable(
                name=definition.variable.name.value,
                coerce=coerce,
                non_null=isinstance(graphql_type, GraphQLNonNull),
                default=default,
                default_is_plain=default_is_plain,
            )
        )
    return tuple(variables)


def _arguments(root_field: GraphQLField, node: FieldNode) -> tuple[_Argument, ...] | None:
    given = {argument.name.value: argument.value for argument in node.arguments or ()}
    arguments = []
    for name, definition in root_field.arguments.items():
        if definition.directives:
            return None
        graphql_type = definition.graphql_type
        non_null = isinstance(graphql_type, GraphQLNonNull)
        default = _ABSENT
        if definition.default_value is not None:
            default = _literal(graphql_type, definition.default_value)
            if default is _ABSENT:
                return None
        value_node = given.get(name)
        if isinstance(value_node, VariableNode):
            arguments.append(_Argument(name, non_null, value_node.name.value, default))
            continue
        if value_node is not None:
            default = _literal(graphql_type, value_node)
            if default is _ABSENT:
                return None
        elif default is _ABSENT and non_null:
            return None
        arguments.append(_Argument(name, non_null, None, default))
    return tuple(arguments)


def _literal(graphql_type: Any, value_node: Any) -> Any:
    """A scalar literal coerced as tartiflette's literal coercer does, or _ABSENT when it is
    not a plain scalar literal (null, variables, lists, objects: left to tartiflette)."""
    scalar = graphql_type.wrapped_type if isinstance(graphql_type, GraphQLNonNull) else graphql_type
    if (
        not isinstance(scalar, GraphQLScalarType)
        or scalar.directives
        or isinstance(value_node, NullValueNode | VariableNode | ListValueNode | ObjectValueNode)
    ):
        return _ABSENT
    parse: Callable[[Any], Any] | None = scalar.parse_literal
    if parse is None:
        return _ABSENT
    try:
        return parse(value_node)
    except Exception:
        return _ABSENT
