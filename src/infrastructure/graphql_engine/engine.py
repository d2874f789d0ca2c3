"""GraphQLEngine: one schema's requests executed; its tartiflette engine cooked once per process."""

from typing import Any

from tartiflette import Engine
from tartiflette.resolver.default import sync_arguments_coercer
from tartiflette.schema.registry import SchemaRegistry
from tartiflette.schema.schema import GraphQLSchema

from infrastructure.graphql_engine.error_mapping import execution_error_coercer
from infrastructure.graphql_engine.executor import GraphQLExecutor
from infrastructure.graphql_engine.limits import QueryLimits
from infrastructure.graphql_engine.plain_output import install_plain_output
from infrastructure.graphql_engine.request import GraphQLRequest, GraphQLResponse
from infrastructure.graphql_engine.resolver_replay import install_replay
from infrastructure.graphql_engine.schema_definition import SchemaDefinition
from infrastructure.graphql_engine.source_guard import SourceLimits

# tartiflette keeps schemas and resolvers in a process-wide registry and fails to cook a
# second engine under the same name, so cooked engines are kept (and reused) per process.
_cooked: dict[str, tuple[SchemaDefinition, Engine]] = {}


async def cook_schema(definition: SchemaDefinition) -> GraphQLSchema:
    """The baked schema of `definition`, cooking its engine on the first call in the process.

    Callers must not race for the same definition (aiohttp runs startup hooks one by one).
    """
    known = _cooked.get(definition.schema_name)
    if known is None:
        engine = Engine()
        await engine.cook(
            sdl=str(definition.sdl_path),
            schema_name=definition.schema_name,
            modules=list(definition.resolver_modules),
            # Only a safety net: requests run through GraphQLExecutor, which coerces errors
            # itself; should anything use the engine directly, no exception text leaks.
            # tartiflette annotates a plain function but requires a coroutine function here.
            error_coercer=execution_error_coercer,  # type: ignore[arg-type]
            # GraphQLExecutor caches parsed documents (with their limit checks) itself.
            query_cache_decorator=None,
            # Fields without a resolver of their own (every field below a root field here)
            # only read a value already in memory: awaiting them one after the other costs
            # nothing, where gathering them costs a task each (one per field of every item of
            # a list). Root fields keep @Resolver's default (concurrent for queries).
            coerce_list_concurrently=False,
            coerce_parent_concurrently=False,
            # Arguments are coerced from values already in memory: one after the other.
            custom_default_arguments_coercer=sync_arguments_coercer,
            sdl_file_encoding="utf-8",
        )
        baked = SchemaRegistry.find_schema(definition.schema_name)
        install_plain_output(baked)
        # Root resolvers that prepared operations may call (executor.py) and replay.
        install_replay(baked)
        _cooked[definition.schema_name] = (definition, engine)
    elif known[0] != definition:
        raise ValueError(f"schema name {definition.schema_name!r} is already used by {known[0]}")
    schema: GraphQLSchema = SchemaRegistry.find_schema(definition.schema_name)
    return schema


class GraphQLEngine:
    """Executes the requests of one schema: source guard, parsing (cached), limits, validation,
    execution (prepared operations where they apply), every error with its code."""

    def __init__(self, executor: GraphQLExecutor) -> None:
        """Use `start`: it cooks the schema first."""
        self._executor = executor

    @classmethod
    async def start(
        cls,
        definition: SchemaDefinition,
        query_limits: QueryLimits | None = None,
        source_limits: SourceLimits | None = None,
    ) -> "GraphQLEngine":
        """An engine for `definition`, its schema cooked on the first start in the process
        (later starts share it: see `cook_schema`)."""
        schema = await cook_schema(definition)
        return cls(GraphQLExecutor(schema, query_limits, source_limits))

    async def execute(self, request: GraphQLRequest, context: Any = None) -> GraphQLResponse:
        """The response to `request`; errors before execution come without `data`.

        `context` reaches every resolver as its `ctx` argument.
        """
        return await self._executor.execute(request, context)
