"""PrefixShardedDict: a str-keyed map that behaves as a dict, its old shards out of the garbage
collector's way."""

import gc

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infrastructure.prefix_sharded_dict import PrefixShardedDict

pytestmark = pytest.mark.unit

KEYS = st.text(alphabet="0123AB", max_size=5)


@given(
    st.lists(
        st.tuples(st.sampled_from(["set", "pop"]), KEYS, st.integers()),
        max_size=60,
    )
)
def test_it_behaves_as_a_dict(operations: list[tuple[str, str, int]]) -> None:
    sharded: PrefixShardedDict[int] = PrefixShardedDict(prefix_length=2)
    plain: dict[str, int] = {}
    for operation, key, value in operations:
        if operation == "set":
            sharded[key] = value
            plain[key] = value
        else:
            assert sharded.pop(key) == plain.pop(key, None)
        assert len(sharded) == len(plain)
    assert sorted(sharded.values()) == sorted(plain.values())
    assert sorted(sharded) == sorted(plain)
    for key in ["", "0", "01", "012", "AB3"]:
        assert (key in sharded) == (key in plain)
        assert sharded.get(key) == plain.get(key)
        assert sharded.get(key, -1) == plain.get(key, -1)
        if key in plain:
            assert sharded[key] == plain[key]
        else:
            with pytest.raises(KeyError):
                sharded[key]


def test_a_prefix_length_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="prefix_length"):
        PrefixShardedDict(prefix_length=0)


def test_after_a_collection_only_shards_written_to_since_are_tracked() -> None:
    sharded: PrefixShardedDict[tuple[str, int]] = PrefixShardedDict(prefix_length=2)
    for number in range(1_000):
        sharded[f"AA{number}"] = (f"old {number}", number)
    gc.collect()
    sharded["BB1"] = ("new", len(sharded))  # a new tuple: tracked until a collection sees it
    shards = [
        shard for shard in gc.get_referents(*gc.get_referents(sharded)) if isinstance(shard, dict)
    ]
    by_first_key = {next(iter(shard)): shard for shard in shards if shard}
    assert not gc.is_tracked(by_first_key["AA0"])  # a full collection visits none of its entries
    assert gc.is_tracked(by_first_key["BB1"])
