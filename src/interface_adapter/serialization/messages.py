"""Parsing helpers shared by the serializers: corrupt bytes become a DeserializationError."""

from datetime import datetime
from typing import TypeVar

from google.protobuf.message import DecodeError, Message

from interface_adapter.serialization.errors import DeserializationError
from interface_adapter.serialization.timestamps import from_timestamp

M = TypeVar("M", bound=Message)


def parse(message: M, data: bytes) -> M:
    """`message` filled from `data`."""
    try:
        message.ParseFromString(data)
    except DecodeError as error:
        raise DeserializationError(f"not a {type(message).__name__}: {error}") from error
    return message


def required_time(message: Message, field: str) -> datetime:
    """The Timestamp `field` of `message` as a UTC datetime; absent means corrupt data, not 1970."""
    if not message.HasField(field):
        raise DeserializationError(f"{type(message).__name__} has no {field}")
    timestamp = getattr(message, field)
    return from_timestamp(timestamp)


def optional_text(value: str) -> str | None:
    """A proto3 string that may be absent: "" (what an absent field reads as) is None."""
    return value or None
