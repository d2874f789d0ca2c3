"""The Query API's GraphQL schema, its resolvers and its DateTime scalar."""

from pathlib import Path

from infrastructure.graphql_engine import SchemaDefinition

QUERY_SCHEMA_NAME = "query"

QUERY_SCHEMA = SchemaDefinition(
    schema_name=QUERY_SCHEMA_NAME,
    sdl_path=Path(__file__).with_name("schema.graphql"),
    resolver_modules=(
        "interface_adapter.graphql.query.resolvers",
        "interface_adapter.graphql.query.scalars",
    ),
    title="Query API",
)
