import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UserAccountName(_message.Message):
    __slots__ = ("first_name", "last_name")
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    first_name: str
    last_name: str
    def __init__(self, first_name: _Optional[str] = ..., last_name: _Optional[str] = ...) -> None: ...

class UserAccountEvent_Envelope(_message.Message):
    __slots__ = ("user_account_id", "event_type_name", "event_type_version", "payload", "occurred_at")
    USER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_NAME_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_VERSION_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    user_account_id: str
    event_type_name: str
    event_type_version: str
    payload: bytes
    occurred_at: _timestamp_pb2.Timestamp
    def __init__(self, user_account_id: _Optional[str] = ..., event_type_name: _Optional[str] = ..., event_type_version: _Optional[str] = ..., payload: _Optional[bytes] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UserAccountEvent_Created_V1(_message.Message):
    __slots__ = ("event_id", "user_account_id", "user_name", "email_address", "occurred_at", "owner")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    user_account_id: str
    user_name: UserAccountName
    email_address: str
    occurred_at: _timestamp_pb2.Timestamp
    owner: str
    def __init__(self, event_id: _Optional[str] = ..., user_account_id: _Optional[str] = ..., user_name: _Optional[_Union[UserAccountName, _Mapping]] = ..., email_address: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., owner: _Optional[str] = ...) -> None: ...

class UserAccountEvent_Renamed_V1(_message.Message):
    __slots__ = ("event_id", "user_account_id", "old_name", "new_name", "occurred_at")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    OLD_NAME_FIELD_NUMBER: _ClassVar[int]
    NEW_NAME_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    user_account_id: str
    old_name: UserAccountName
    new_name: UserAccountName
    occurred_at: _timestamp_pb2.Timestamp
    def __init__(self, event_id: _Optional[str] = ..., user_account_id: _Optional[str] = ..., old_name: _Optional[_Union[UserAccountName, _Mapping]] = ..., new_name: _Optional[_Union[UserAccountName, _Mapping]] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UserAccountEvent_Deleted_V1(_message.Message):
    __slots__ = ("event_id", "user_account_id", "occurred_at")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    user_account_id: str
    occurred_at: _timestamp_pb2.Timestamp
    def __init__(self, event_id: _Optional[str] = ..., user_account_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UserAccountEvent_Created_V2(_message.Message):
    __slots__ = ("event_id", "user_account_id", "first_name", "last_name", "email_address", "occurred_at", "owner")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    user_account_id: str
    first_name: bytes
    last_name: bytes
    email_address: bytes
    occurred_at: _timestamp_pb2.Timestamp
    owner: str
    def __init__(self, event_id: _Optional[str] = ..., user_account_id: _Optional[str] = ..., first_name: _Optional[bytes] = ..., last_name: _Optional[bytes] = ..., email_address: _Optional[bytes] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., owner: _Optional[str] = ...) -> None: ...

class UserAccountEvent_Renamed_V2(_message.Message):
    __slots__ = ("event_id", "user_account_id", "old_first_name", "old_last_name", "new_first_name", "new_last_name", "occurred_at")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    OLD_FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    OLD_LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    NEW_FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    NEW_LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    user_account_id: str
    old_first_name: bytes
    old_last_name: bytes
    new_first_name: bytes
    new_last_name: bytes
    occurred_at: _timestamp_pb2.Timestamp
    def __init__(self, event_id: _Optional[str] = ..., user_account_id: _Optional[str] = ..., old_first_name: _Optional[bytes] = ..., old_last_name: _Optional[bytes] = ..., new_first_name: _Optional[bytes] = ..., new_last_name: _Optional[bytes] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UserAccountEvent_Erased_V1(_message.Message):
    __slots__ = ("event_id", "user_account_id", "occurred_at")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    user_account_id: str
    occurred_at: _timestamp_pb2.Timestamp
    def __init__(self, event_id: _Optional[str] = ..., user_account_id: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
