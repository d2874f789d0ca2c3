"""Journal and snapshot items as the previous version (V1, personal data in clear) wrote them:
bytes recorded from that version's serializer, fixed here, never regenerated.

One account, 01KB…0010, owned by `auth0|taro`: created as Taro Yamada, renamed to 山田 太郎 🎉,
renamed to Jiro Yamada, deleted; snapshots at versions 2 and 4.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from domain.user_account import (
    EmailAddress,
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountEvent,
    UserAccountId,
    UserAccountName,
    UserAccountRenamed,
)

ACCOUNT = UserAccountId("01KB0000000000000000000010")
OWNER = "auth0|taro"
_AT = datetime(2026, 11, 26, 3, 4, 5, 123456, tzinfo=UTC)
TARO = UserAccountName("Taro", "Yamada")
YAMADA = UserAccountName("山田", "太郎 🎉")
JIRO = UserAccountName("Jiro", "Yamada")
EMAIL = EmailAddress("taro@example.com")

# What those items mean, as the previous version decoded them.
EVENTS: list[UserAccountEvent] = [
    UserAccountCreated("01KB0000000000000000000011", ACCOUNT, 1, _AT, TARO, EMAIL, OWNER),
    UserAccountRenamed(
        "01KB0000000000000000000012", ACCOUNT, 2, _AT + timedelta(seconds=1), TARO, YAMADA
    ),
    UserAccountRenamed(
        "01KB0000000000000000000013", ACCOUNT, 3, _AT + timedelta(seconds=2), YAMADA, JIRO
    ),
    UserAccountDeleted("01KB0000000000000000000014", ACCOUNT, 4, _AT + timedelta(seconds=3)),
]

_PAYLOADS = [
    "0a1a30314b42303030303030303030303030303030303030303031301a18557365724163636f756e744576656e"
    "742e43726561746564220256312a730a1a30314b4230303030303030303030303030303030303030303131121a"
    "30314b42303030303030303030303030303030303030303031301a0e0a045461726f120659616d616461221074"
    "61726f406578616d706c652e636f6d2a0b08a5c39ed806108094ef3a320a61757468307c7461726f9a060b08a5"
    "c39ed806108094ef3a",
    "0a1a30314b42303030303030303030303030303030303030303031301a18557365724163636f756e744576656e"
    "742e52656e616d6564220256312a6c0a1a30314b4230303030303030303030303030303030303030303132121a"
    "30314b42303030303030303030303030303030303030303031301a0e0a045461726f120659616d61646122150a"
    "06e5b1b1e794b0120be5a4aae9838e20f09f8e892a0b08a6c39ed806108094ef3a9a060b08a6c39ed806108094"
    "ef3a",
    "0a1a30314b42303030303030303030303030303030303030303031301a18557365724163636f756e744576656e"
    "742e52656e616d6564220256312a6c0a1a30314b4230303030303030303030303030303030303030303133121a"
    "30314b42303030303030303030303030303030303030303031301a150a06e5b1b1e794b0120be5a4aae9838e20"
    "f09f8e89220e0a044a69726f120659616d6164612a0b08a7c39ed806108094ef3a9a060b08a7c39ed806108094"
    "ef3a",
    "0a1a30314b42303030303030303030303030303030303030303031301a18557365724163636f756e744576656e"
    "742e44656c65746564220256312a450a1a30314b4230303030303030303030303030303030303030303134121a"
    "30314b42303030303030303030303030303030303030303031301a0b08a8c39ed806108094ef3a9a060b08a8c3"
    "9ed806108094ef3a",
]
_TYPES = ["Created", "Renamed", "Renamed", "Deleted"]
_TIMES = [f"2026-11-26T03:04:0{second}.123456Z" for second in range(5, 9)]


def journal_items() -> list[dict[str, Any]]:
    """The four journal items, attribute for attribute as the previous version wrote them."""
    return [
        {
            "pkey": {"S": f"UserAccount-{ACCOUNT.value}"},
            "skey": {"N": str(event.seq_nr)},
            "aggregate_id": {"S": ACCOUNT.value},
            "event_id": {"S": event.event_id},
            "event_type": {"S": f"UserAccountEvent.{kind}"},
            "event_version": {"S": "V1"},
            "occurred_at": {"S": occurred_at},
            "payload": {"B": bytes.fromhex(payload)},
        }
        for event, kind, occurred_at, payload in zip(EVENTS, _TYPES, _TIMES, _PAYLOADS, strict=True)
    ]


# The snapshots of the account at versions 2 (created) and 4 (deleted).
SNAPSHOT_AT_2 = bytes.fromhex(
    "126d0a1a30314b423030303030303030303030303030303030303030313012150a06e5b1b1e794b0120be5a4aa"
    "e9838e20f09f8e891a107461726f406578616d706c652e636f6d220b08a5c39ed806108094ef3a2a0b08a6c39e"
    "d806108094ef3a30023a0a61757468307c7461726f"
)
SNAPSHOT_AT_4 = bytes.fromhex(
    "1a660a1a30314b4230303030303030303030303030303030303030303130120e0a044a69726f120659616d6164"
    "611a107461726f406578616d706c652e636f6d220b08a5c39ed806108094ef3a2a0b08a8c39ed806108094ef3a"
    "30043a0a61757468307c7461726f"
)


def snapshot_item(version: int) -> dict[str, Any]:
    payload = {2: SNAPSHOT_AT_2, 4: SNAPSHOT_AT_4}[version]
    return {
        "pkey": {"S": f"UserAccount-{ACCOUNT.value}"},
        "seq_nr": {"N": str(version)},
        "payload": {"B": payload},
    }
