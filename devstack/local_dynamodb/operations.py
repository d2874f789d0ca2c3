"""Which DynamoDB requests change state and therefore go into the request journal."""

DYNAMODB_TARGET_PREFIX = "DynamoDB_20120810."

_READ_PREFIXES = ("Describe", "List", "Get")
_READS = frozenset({"BatchGetItem", "Query", "Scan", "TransactGetItems"})


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
