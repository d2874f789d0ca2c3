"""The names and versions of the events in the journal (envelope and item attributes)."""

from domain.user_account import (
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountErased,
    UserAccountEvent,
    UserAccountRenamed,
)

CREATED = "UserAccountEvent.Created"
RENAMED = "UserAccountEvent.Renamed"
DELETED = "UserAccountEvent.Deleted"
ERASED = "UserAccountEvent.Erased"
V1 = "V1"
V2 = "V2"


def event_type_name(event: UserAccountEvent) -> str:
    """The envelope's and the journal's `event_type` of `event`."""
    match event:
        case UserAccountCreated():
            return CREATED
        case UserAccountRenamed():
            return RENAMED
        case UserAccountDeleted():
            return DELETED
        case UserAccountErased():
            return ERASED


def event_type_version(event: UserAccountEvent) -> str:
    """The version `event` is written as: V2 for the events with personal data (encrypted)."""
    return V2 if carries_personal_data(event) else V1


def carries_personal_data(event: UserAccountEvent) -> bool:
    """Whether `event` holds names or an email address, so that writing it needs a data key."""
    return isinstance(event, UserAccountCreated | UserAccountRenamed)
