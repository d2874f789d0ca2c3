"""The Command API's GraphQL schema and its resolvers."""

from pathlib import Path

from infrastructure.graphql_engine import SchemaDefinition

COMMAND_SCHEMA_NAME = "command"

COMMAND_SCHEMA = SchemaDefinition(
    schema_name=COMMAND_SCHEMA_NAME,
    sdl_path=Path(__file__).with_name("schema.graphql"),
    resolver_modules=("interface_adapter.graphql.command.resolvers",),
    title="Command API",
)
