"""The ports the use cases need, as Protocols; adapters implement them."""

from use_case.ports.clock import Clock
from use_case.ports.command_observer import (
    NO_COMMAND_OBSERVER,
    CommandObserver,
    NoCommandObserver,
)
from use_case.ports.erasure_follow_up import (
    NO_ERASURE_FOLLOW_UP,
    ErasureFollowUp,
    NoErasureFollowUp,
)
from use_case.ports.id_generator import IdGenerator
from use_case.ports.user_account_event_reader import (
    ErasedPersonalData,
    JournalEvent,
    UserAccountEventReader,
)
from use_case.ports.user_account_read_model import (
    ReadModelConflictError,
    RowChange,
    UserAccountQueries,
    UserAccountReadModel,
    UserAccountRow,
    UserAccountRowStore,
)
from use_case.ports.user_account_repository import ConcurrencyConflictError, UserAccountRepository

__all__ = [
    "NO_COMMAND_OBSERVER",
    "NO_ERASURE_FOLLOW_UP",
    "Clock",
    "CommandObserver",
    "ConcurrencyConflictError",
    "ErasedPersonalData",
    "ErasureFollowUp",
    "IdGenerator",
    "JournalEvent",
    "NoCommandObserver",
    "NoErasureFollowUp",
    "ReadModelConflictError",
    "RowChange",
    "UserAccountEventReader",
    "UserAccountQueries",
    "UserAccountReadModel",
    "UserAccountRepository",
    "UserAccountRow",
    "UserAccountRowStore",
]
