"""The upcaster chain: one table, every version ever written in it, and which steps decrypt."""

import pytest

from interface_adapter.serialization.event_types import CREATED, DELETED, ERASED, RENAMED
from interface_adapter.serialization.generated.user_account import events_pb2 as pb
from interface_adapter.serialization.upcasters import UPCASTERS, read_stored_event

pytestmark = pytest.mark.unit


def test_the_chain_knows_every_version_ever_written_and_nothing_else() -> None:
    assert set(UPCASTERS) == {
        (CREATED, "V1"),
        (CREATED, "V2"),
        (RENAMED, "V1"),
        (RENAMED, "V2"),
        (DELETED, "V1"),
        (ERASED, "V1"),
    }


def test_exactly_the_v2_steps_decrypt() -> None:
    decrypting = {kind for kind, upcaster in UPCASTERS.items() if upcaster.decrypts}
    assert decrypting == {(CREATED, "V2"), (RENAMED, "V2")}


def test_each_version_has_its_own_message() -> None:
    # A step parses the message of its own version, so two steps never share one.
    assert len({upcaster.to_current for upcaster in UPCASTERS.values()}) == len(UPCASTERS)


@pytest.mark.parametrize(
    ("kind", "needs_key", "erasure"),
    [
        ((CREATED, "V1"), False, False),
        ((CREATED, "V2"), True, False),
        ((RENAMED, "V2"), True, False),
        ((DELETED, "V1"), False, False),
        ((ERASED, "V1"), False, True),
        ((ERASED, "V9"), False, True),  # still the end of its history; decoding it still fails
        ((CREATED, "V9"), False, False),
    ],
)
def test_what_the_envelope_alone_tells(
    kind: tuple[str, str], needs_key: bool, erasure: bool
) -> None:
    envelope = pb.UserAccountEvent_Envelope(
        user_account_id="01KB0000000000000000000000",
        event_type_name=kind[0],
        event_type_version=kind[1],
    )
    stored = read_stored_event(envelope.SerializeToString(), 3)
    assert (stored.account_id, stored.seq_nr) == ("01KB0000000000000000000000", 3)
    assert (stored.needs_key, stored.is_erasure) == (needs_key, erasure)
