"""The GraphQL engine: tartiflette, repaired, guarded, limited and accelerated, behind one seam
(what it exports, the contract that keeps its submodules private, every workaround: README.md)."""

from tartiflette import Resolver, Scalar
from tartiflette.constants import UNDEFINED_VALUE
from tartiflette.language.ast import StringValueNode

from infrastructure.graphql_engine.coded_error import CodedError
from infrastructure.graphql_engine.engine import GraphQLEngine
from infrastructure.graphql_engine.error_codes import EngineErrorCode
from infrastructure.graphql_engine.limits import QueryLimits
from infrastructure.graphql_engine.request import GraphQLRequest, GraphQLResponse
from infrastructure.graphql_engine.schema_definition import SchemaDefinition
from infrastructure.graphql_engine.source_guard import SourceLimits

__all__ = [
    "UNDEFINED_VALUE",
    "CodedError",
    "EngineErrorCode",
    "GraphQLEngine",
    "GraphQLRequest",
    "GraphQLResponse",
    "QueryLimits",
    "Resolver",
    "Scalar",
    "SchemaDefinition",
    "SourceLimits",
    "StringValueNode",
]
