"""A small schema for the engine's own tests, cooked through the seam as an API's would be."""

from pathlib import Path
from typing import Any

from infrastructure.graphql_engine import CodedError, Resolver, SchemaDefinition

SAMPLE_SCHEMA_NAME = "graphql_engine_sample"
SECRET = "a detail no client may see"

SAMPLE_SCHEMA = SchemaDefinition(
    schema_name=SAMPLE_SCHEMA_NAME,
    sdl_path=Path(__file__).with_name("sample_schema.graphql"),
    resolver_modules=(__name__,),
    title="Sample",
)


@Resolver("Query.echo", schema_name=SAMPLE_SCHEMA_NAME)
async def resolve_echo(parent: Any, args: dict[str, Any], ctx: Any, info: Any) -> Any:
    return args.get("text")


@Resolver("Query.item", schema_name=SAMPLE_SCHEMA_NAME)
async def resolve_item(parent: Any, args: dict[str, Any], ctx: Any, info: Any) -> Any:
    return {"name": args.get("name")}


@Resolver("Query.boom", schema_name=SAMPLE_SCHEMA_NAME)
async def resolve_boom(parent: Any, args: dict[str, Any], ctx: Any, info: Any) -> Any:
    raise ValueError(SECRET)


@Resolver("Query.refuse", schema_name=SAMPLE_SCHEMA_NAME)
async def resolve_refuse(parent: Any, args: dict[str, Any], ctx: Any, info: Any) -> Any:
    raise CodedError("Refused", "NOPE", {"why": "a test"})
