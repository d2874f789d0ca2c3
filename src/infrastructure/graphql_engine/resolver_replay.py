"""Replay a root resolver's outcome through tartiflette instead of calling the resolver again."""

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from tartiflette.schema.schema import GraphQLSchema
from tartiflette.types.field import GraphQLField
from tartiflette.utils.directives import resolver_executor

RawResolver = Callable[..., Awaitable[Any]]


@dataclass(slots=True)
class RecordedOutcome:
    """What the resolver of `root_field` answered: a value, or the exception it raised."""

    root_field: GraphQLField
    value: Any = None
    error: Exception | None = None
    replayed: bool = field(default=False, init=False)


_recorded: ContextVar[RecordedOutcome | None] = ContextVar("graphql_recorded_outcome", default=None)
# The wrapped fields, by identity (tartiflette's fields compare by value and do not hash).
_replayable_fields: dict[int, GraphQLField] = {}


@contextmanager
def replaying(outcome: RecordedOutcome) -> Iterator[None]:
    """Within the block (and the tasks it starts), `outcome.root_field` answers `outcome`."""
    token = _recorded.set(outcome)
    try:
        yield
    finally:
        _recorded.reset(token)


def install_replay(schema: GraphQLSchema) -> list[str]:
    """Wrap the resolver of every root field with one of its own; the names of those fields.

    A prepared operation (prepared_operation.py) calls a root field's resolver itself. When what
    follows is not plain (the resolver raised, or its value needs tartiflette's completion and error
    reporting), the request is executed by tartiflette after all, and the resolver must not run
    twice: a mutation would be applied twice. Inside `replaying(...)`, the wrapper answers the
    recorded outcome (returns the value or raises the exception) instead of calling the resolver.

    Only fields resolved by their raw resolver without directives are wrapped (the others are
    never prepared): tartiflette calls `partial(resolver_executor, raw_resolver)` for them.
    """
    installed = []
    for root in (schema.find_type(name) for name in _root_type_names(schema)):
        for root_field in root.implemented_fields.values():
            resolver: partial[Any] | None = root_field.resolver
            raw = root_field.raw_resolver
            if (
                resolver is None
                or raw is None
                or root_field.directives
                or root_field.name.startswith("__")  # introspection: tartiflette's own
            ):
                continue
            replayable = partial(resolver_executor, _replayable(root_field, raw))
            root_field.resolver = partial(
                resolver.func, *resolver.args, **{**resolver.keywords, "resolver": replayable}
            )
            _replayable_fields[id(root_field)] = root_field
            installed.append(f"{root.name}.{root_field.name}")
    return installed


def is_replayable(root_field: GraphQLField) -> bool:
    """Whether `root_field`'s resolver answers a recorded outcome inside `replaying(...)`."""
    return _replayable_fields.get(id(root_field)) is root_field


def _root_type_names(schema: GraphQLSchema) -> list[str]:
    names = [schema.query_operation_name, schema.mutation_operation_name]
    return [name for name in names if schema.has_type(name)]


def _replayable(root_field: GraphQLField, raw: RawResolver) -> RawResolver:
    async def resolve(parent: Any, args: Any, ctx: Any, info: Any) -> Any:
        outcome = _recorded.get()
        if outcome is None or outcome.root_field is not root_field or outcome.replayed:
            return await raw(parent, args, ctx, info)
        outcome.replayed = True
        if outcome.error is not None:
            raise outcome.error
        return outcome.value

    return resolve
