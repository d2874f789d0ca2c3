"""PrefixShardedDict: a map of str keys kept in small dicts by the key's prefix, so that the
garbage collector walks only the shards written to since its last full collection."""

from collections.abc import Iterator
from typing import Generic, TypeVar, overload

V = TypeVar("V")
D = TypeVar("D")

# A ULID's first 8 characters: its time in units of 32² ms, about a second per shard.
ULID_SECOND = 8


class PrefixShardedDict(Generic[V]):
    """A str → V map whose entries sit in one dict per key prefix (`prefix_length` characters).

    Why: a dict holding only values the collector does not track (flat tuples of atoms) is
    untracked by a full collection, but the next insert of a new tuple (which is tracked until
    a collection sees it) tracks the dict again, and every full collection then visits each of
    its entries: one dict of every account makes the full collections of an in-memory process
    grow with its accounts. Keyed by ids that start with their time (ULIDs), new entries go to
    the newest shards, and a full collection visits the shards written to since the last one and
    skips the others (untracked).
    """

    def __init__(self, prefix_length: int = ULID_SECOND) -> None:
        if prefix_length < 1:
            raise ValueError(f"prefix_length must be 1 or more, not {prefix_length}")
        self._prefix_length = prefix_length
        self._shards: dict[str, dict[str, V]] = {}
        self._length = 0

    def __len__(self) -> int:
        return self._length

    def __contains__(self, key: str) -> bool:
        shard = self._shards.get(key[: self._prefix_length])
        return shard is not None and key in shard

    def __getitem__(self, key: str) -> V:
        shard = self._shards.get(key[: self._prefix_length])
        if shard is None:
            raise KeyError(key)
        return shard[key]

    @overload
    def get(self, key: str) -> V | None: ...

    @overload
    def get(self, key: str, default: D) -> V | D: ...

    def get(self, key: str, default: object = None) -> object:
        shard = self._shards.get(key[: self._prefix_length])
        return default if shard is None else shard.get(key, default)

    def __setitem__(self, key: str, value: V) -> None:
        prefix = key[: self._prefix_length]
        shard = self._shards.get(prefix)
        if shard is None:
            shard = self._shards[prefix] = {}
        if key not in shard:
            self._length += 1
        shard[key] = value

    def pop(self, key: str, default: V | None = None) -> V | None:
        prefix = key[: self._prefix_length]
        shard = self._shards.get(prefix)
        if shard is None or key not in shard:
            return default
        self._length -= 1
        value = shard.pop(key)
        if not shard:
            del self._shards[prefix]
        return value

    def values(self) -> Iterator[V]:
        for shard in self._shards.values():
            yield from shard.values()

    def __iter__(self) -> Iterator[str]:
        for shard in self._shards.values():
            yield from shard
