"""Which DynamoDB requests change state and therefore go into the request journal."""

DYNAMODB_TARGET_PREFIX = "DynamoDB_20120810."

_READ_PREFIXES = ("Describe", "List", "Get")
_READS = frozenset({"BatchGetItem", "Query", "Scan", "TransactGetItems"})
# A read that walks a whole table's items in moto (DescribeTable counts them for ItemCount), which
# is not safe while another thread applies a write ("dictionary changed size during iteration",
# seen in a soak run). Scan walks them too, but a page of it over a large table takes long enough
# to hold up every write: it stays unlocked (an SDK retries the rare 500).
TABLE_WIDE_READS = frozenset({f"{DYNAMODB_TARGET_PREFIX}DescribeTable"})


def is_recorded(target: str | None) -> bool:
    """True for a DynamoDB operation that may change state.

    Reads are listed rather than writes: an operation this list does not know (a new mutating
    API) is then recorded, costing a line, instead of being silently lost at the next restart.
    DynamoDB Streams calls (`DynamoDBStreams_20120810.*`) and other services are never recorded.
    """
    if target is None or not target.startswith(DYNAMODB_TARGET_PREFIX):
        return False
    operation = target.removeprefix(DYNAMODB_TARGET_PREFIX)
    return not (operation in _READS or operation.startswith(_READ_PREFIXES))
