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

class CreatedSnapshot_V2(_message.Message):
    __slots__ = ("user_account_id", "first_name", "last_name", "email_address", "created_at", "updated_at", "version", "owner")
    USER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    user_account_id: str
    first_name: bytes
    last_name: bytes
    email_address: bytes
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    version: int
    owner: str
    def __init__(self, user_account_id: _Optional[str] = ..., first_name: _Optional[bytes] = ..., last_name: _Optional[bytes] = ..., email_address: _Optional[bytes] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., version: _Optional[int] = ..., owner: _Optional[str] = ...) -> None: ...

class DeletedSnapshot_V2(_message.Message):
    __slots__ = ("user_account_id", "first_name", "last_name", "email_address", "created_at", "updated_at", "version", "owner")
    USER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    user_account_id: str
    first_name: bytes
    last_name: bytes
    email_address: bytes
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    version: int
    owner: str
    def __init__(self, user_account_id: _Optional[str] = ..., first_name: _Optional[bytes] = ..., last_name: _Optional[bytes] = ..., email_address: _Optional[bytes] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., version: _Optional[int] = ..., owner: _Optional[str] = ...) -> None: ...

class ErasedSnapshot(_message.Message):
    __slots__ = ("user_account_id", "version", "erased_at")
    USER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ERASED_AT_FIELD_NUMBER: _ClassVar[int]
    user_account_id: str
    version: int
    erased_at: _timestamp_pb2.Timestamp
    def __init__(self, user_account_id: _Optional[str] = ..., version: _Optional[int] = ..., erased_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UserAccountSnapshot(_message.Message):
    __slots__ = ("not_created", "created", "deleted", "created_v2", "deleted_v2", "erased")
    NOT_CREATED_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    CREATED_V2_FIELD_NUMBER: _ClassVar[int]
    DELETED_V2_FIELD_NUMBER: _ClassVar[int]
    ERASED_FIELD_NUMBER: _ClassVar[int]
    not_created: NotCreatedSnapshot
    created: CreatedSnapshot
    deleted: DeletedSnapshot
    created_v2: CreatedSnapshot_V2
    deleted_v2: DeletedSnapshot_V2
    erased: ErasedSnapshot
    def __init__(self, not_created: _Optional[_Union[NotCreatedSnapshot, _Mapping]] = ..., created: _Optional[_Union[CreatedSnapshot, _Mapping]] = ..., deleted: _Optional[_Union[DeletedSnapshot, _Mapping]] = ..., created_v2: _Optional[_Union[CreatedSnapshot_V2, _Mapping]] = ..., deleted_v2: _Optional[_Union[DeletedSnapshot_V2, _Mapping]] = ..., erased: _Optional[_Union[ErasedSnapshot, _Mapping]] = ...) -> None: ...
