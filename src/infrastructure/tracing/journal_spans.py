"""The span of a journal append to DynamoDB, when export is on (database semantic conventions)."""

from contextlib import AbstractContextManager

from opentelemetry.trace import Span, SpanKind
from opentelemetry.util.types import AttributeValue

from infrastructure.tracing.spans import span


def journal_append_span(table_name: str, items: int) -> AbstractContextManager[Span | None]:
    """One append of `items` items to `table_name`: a PutItem, or a transaction of them."""
    operation = "PutItem" if items == 1 else "TransactWriteItems"
    attributes: dict[str, AttributeValue] = {
        "db.system.name": "aws.dynamodb",
        "db.operation.name": operation,
        "db.collection.name": table_name,
        "aws.dynamodb.table_names": (table_name,),
    }
    if items > 1:  # (the conventions set it for batches only)
        attributes["db.operation.batch.size"] = items
    return span(f"{operation} {table_name}", SpanKind.CLIENT, attributes)
