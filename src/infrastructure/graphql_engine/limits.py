"""Selection depth and field count of a parsed document, fragments expanded (SPEC §5 limits)."""

from collections.abc import Sequence
from dataclasses import dataclass

from tartiflette.language.ast import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from infrastructure.graphql_engine.error_codes import EngineErrorCode

# Fragments that spread each other add no selection depth, but every level is a level of
# recursion here and in the validation; no real query chains more than a few.
MAX_FRAGMENT_CHAIN = 64


class _FragmentChainTooLongError(Exception):
    """Fragments spread each other more than MAX_FRAGMENT_CHAIN levels deep."""


@dataclass(frozen=True, slots=True)
class QueryLimits:
    max_depth: int = 20
    max_fields: int = 1000


@dataclass(frozen=True, slots=True)
class LimitViolation:
    code: EngineErrorCode
    message: str


@dataclass(frozen=True, slots=True)
class _Size:
    fields: int
    depth: int


_EMPTY = _Size(0, 0)


class _Measurer:
    """Measures selection sets; each fragment is measured once (memoised), so a document
    whose fragments spread each other many times over costs linear time, and a fragment
    cycle (rejected later by validation) is cut instead of recursing forever."""

    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self._fragments = fragments
        self._sizes: dict[str, _Size] = {}
        self._in_progress: set[str] = set()

    def selection_set(self, selection_set: SelectionSetNode | None) -> _Size:
        if selection_set is None:
            return _EMPTY
        fields = 0
        depth = 0
        for selection in selection_set.selections:
            size = self._selection(selection)
            fields += size.fields
            depth = max(depth, size.depth)
        return _Size(fields, depth)

    def _selection(self, selection: object) -> _Size:
        if isinstance(selection, FieldNode):
            # Aliases and __typename are fields like any other: each one counts.
            children = self.selection_set(selection.selection_set)
            return _Size(1 + children.fields, 1 + children.depth)
        if isinstance(selection, InlineFragmentNode):
            return self.selection_set(selection.selection_set)
        if isinstance(selection, FragmentSpreadNode):
            return self._fragment(selection.name.value)
        return _EMPTY

    def _fragment(self, name: str) -> _Size:
        known = self._sizes.get(name)
        if known is not None:
            return known
        definition = self._fragments.get(name)
        if definition is None or name in self._in_progress:
            return _EMPTY
        if len(self._in_progress) >= MAX_FRAGMENT_CHAIN:
            raise _FragmentChainTooLongError
        self._in_progress.add(name)
        size = self.selection_set(definition.selection_set)
        self._in_progress.discard(name)
        self._sizes[name] = size
        return size


def check_limits(definitions: Sequence[object], limits: QueryLimits) -> LimitViolation | None:
    """The first limit an operation among `definitions` (a document's operations and fragments)
    exceeds (depth before size), or None.

    A top-level field is at depth 1; fragment spreads and inline fragments add no depth.
    """
    fragments = {
        definition.name.value: definition
        for definition in definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    measurer = _Measurer(fragments)
    try:
        sizes = [
            measurer.selection_set(definition.selection_set)
            for definition in definitions
            if isinstance(definition, OperationDefinitionNode)
        ]
    except _FragmentChainTooLongError:
        return LimitViolation(
            EngineErrorCode.QUERY_TOO_DEEP,
            f"Fragments spread each other more than {MAX_FRAGMENT_CHAIN} levels deep",
        )
    depth = max((size.depth for size in sizes), default=0)
    if depth > limits.max_depth:
        return LimitViolation(
            EngineErrorCode.QUERY_TOO_DEEP,
            f"Query depth {depth} exceeds the maximum of {limits.max_depth}",
        )
    fields = max((size.fields for size in sizes), default=0)
    if fields > limits.max_fields:
        return LimitViolation(
            EngineErrorCode.QUERY_TOO_COMPLEX,
            f"Query selects {fields} fields, more than the maximum of {limits.max_fields}",
        )
    return None
