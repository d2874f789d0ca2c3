import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from interface_adapter.serialization.generated.user_account import events_pb2 as _events_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class NotCreatedSnapshot(_message.Message):
    __slots__ = ("user_account_id",)
    USER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    user_account_id: str
    def __init__(self, user_account_id: _Optional[str] = ...) -> None: ...

class CreatedSnapshot(_message.Message):
    __slots__ = ("user_account_id", "user_name", "email_address", "created_at", "updated_at", "version", "owner")
    USER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    user_account_id: str
    user_name: _events_pb2.UserAccountName
    email_address: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    version: int
    owner: str
    def __init__(self, user_account_id: _Optional[str] = ..., user_name: _Optional[_Union[_events_pb2.UserAccountName, _Mapping]] = ..., email_address: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., version: _Optional[int] = ..., owner: _Optional[str] = ...) -> None: ...

class DeletedSnapshot(_message.Message):
    __slots__ = ("user_account_id", "user_name", "email_address", "created_at", "updated_at", "version", "owner")
    USER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    user_account_id: str
    user_name: _events_pb2.UserAccountName
    email_address: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    version: int
    owner: str
    def __init__(self, user_account_id: _Optional[str] = ..., user_name: _Optional[_Union[_events_pb2.UserAccountName, _Mapping]] = ..., email_address: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., version: _Optional[int] = ..., owner: _Optional[str] = ...) -> None: ...

class UserAccountSnapshot(_message.Message):
    __slots__ = ("not_created", "created", "deleted")
    NOT_CREATED_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    not_created: NotCreatedSnapshot
    created: CreatedSnapshot
    deleted: DeletedSnapshot
    def __init__(self, not_created: _Optional[_Union[NotCreatedSnapshot, _Mapping]] = ..., created: _Optional[_Union[CreatedSnapshot, _Mapping]] = ..., deleted: _Optional[_Union[DeletedSnapshot, _Mapping]] = ...) -> None: ...
