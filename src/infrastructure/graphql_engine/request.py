"""GraphQLRequest and GraphQLResponse: what the engine is given and what it answers."""

from dataclasses import dataclass, field
from typing import Any

# `data` and/or `errors`, ready to be encoded as JSON.
GraphQLResponse = dict[str, Any]


@dataclass(frozen=True, slots=True)
class GraphQLRequest:
    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    operation_name: str | None = None
