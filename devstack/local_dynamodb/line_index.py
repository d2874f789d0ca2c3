"""Which journal lines wrote which items, so that a removal scrubs those lines in place instead
of compacting the whole journal."""

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from devstack.local_dynamodb.item_rewrites import addressed_items

# A table's key schema: (the table's name, its hash key attribute, its range key attribute or
# None); None when no such table is stored. A request may name its table by ARN.
KeySchema = Callable[[str], tuple[str, str, str | None] | None]

# (table name, hash key value, range key value or None), the values as canonical JSON.
ItemKey = tuple[str, str, str | None]


@dataclass(frozen=True, slots=True)
class JournalLine:
    offset: int
    length: int  # newline included


class LineIndex:
    """The lines of the journal that wrote each item.

    An item written by a line that also wrote other items (a batch, a transaction) is *shared*:
    scrubbing that line would take the others with it, so its removal compacts the whole
    journal. So does any removal while a line's items could not be told (an encoded body).
    """

    def __init__(self, key_schema: KeySchema) -> None:
        self._key_schema = key_schema
        self._lines: dict[ItemKey, list[JournalLine]] = {}
        self._shared: set[ItemKey] = set()
        self._untold_lines = 0
        self.dead_bytes = 0

    def clear(self) -> None:
        self._lines.clear()
        self._shared.clear()
        self._untold_lines = 0
        self.dead_bytes = 0

    def add(self, line: JournalLine, operation: str, body: object) -> None:
        """Index `line`, the journaled request `operation` with `body` (its parsed JSON)."""
        keys = self.keys_of(operation, body)
        if keys is None:
            self._untold_lines += 1
            return
        if len(keys) > 1:
            self._shared.update(keys)
        for key in keys:
            self._lines.setdefault(key, []).append(line)

    def keys_of(self, operation: str, body: object) -> list[ItemKey] | None:
        """The items `operation` with `body` writes; [] for none (CreateTable...), None when
        they cannot be told."""
        try:
            addressed = addressed_items(operation, body)
            if addressed is None:
                return None
            keys = [self._item_key(table, attributes) for table, attributes in addressed]
        except (KeyError, TypeError, AttributeError, ValueError):
            return None
        if any(key is None for key in keys):
            return None
        return list(dict.fromkeys(key for key in keys if key is not None))

    def lines_to_scrub(self, keys: Iterable[ItemKey]) -> list[JournalLine] | None:
        """The lines that wrote `keys` (which the caller knows are stored), or None when a
        scrub cannot remove them alone: an item shared with others, an item without a line
        (written before the index knew it), lines whose items are unknown."""
        if self._untold_lines:
            return None
        lines: list[JournalLine] = []
        for key in keys:
            if key in self._shared or key not in self._lines:
                return None
            lines.extend(self._lines[key])
        return lines

    def scrubbed(self, keys: Iterable[ItemKey], lines: Iterable[JournalLine]) -> None:
        for key in keys:
            self._lines.pop(key, None)
        self.dead_bytes += sum(line.length for line in lines)

    def _item_key(self, table: str, attributes: Mapping[str, Any]) -> ItemKey | None:
        schema = self._key_schema(table)
        if schema is None:
            return None
        name, hash_attribute, range_attribute = schema
        return (
            name,
            _canonical(attributes[hash_attribute]),
            None if range_attribute is None else _canonical(attributes[range_attribute]),
        )


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
