"""Hypothesis strategies for domain values, events and states."""

from datetime import UTC, datetime

from hypothesis import strategies as st

from domain.user_account import (
    EmailAddress,
    ErasedUserAccount,
    NotCreated,
    UserAccount,
    UserAccountCreated,
    UserAccountDeleted,
    UserAccountErased,
    UserAccountId,
    UserAccountName,
    UserAccountRenamed,
)

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

user_account_ids = st.builds(
    lambda first, rest: UserAccountId(first + rest),
    st.sampled_from("01234567"),
    st.text(alphabet=CROCKFORD, min_size=25, max_size=25),
)

event_ids = user_account_ids.map(lambda account_id: account_id.value)

# Any unicode text that is already trimmed and free of controls and surrogates: a stored name.
# Built valid rather than filtered (the categories Cc and Cs are exactly what the domain forbids,
# and one character that is not white space survives the trimming), so that hypothesis never
# discards most of what it draws (its filter_too_much health check failed now and then).
_name_characters = st.characters(exclude_categories=("Cc", "Cs"))
_printable = _name_characters.filter(lambda character: not character.isspace())
name_texts = st.builds(
    lambda before, middle, after: f"{before}{middle}{after}".strip(),
    st.text(_name_characters, max_size=19),
    _printable,
    st.text(_name_characters, max_size=20),
)

user_account_names = st.builds(UserAccountName, name_texts, name_texts)

_local_part = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-",
    min_size=1,
    max_size=20,
)
_domain_part = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-", min_size=1, max_size=20)
_top_level = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=6
)
valid_email_texts = st.builds(lambda a, b, c: f"{a}@{b}.{c}", _local_part, _domain_part, _top_level)
email_addresses = valid_email_texts.map(EmailAddress)

# Owners: a token's subject (no controls or surrogates, as a stored name), or no owner at all.
owners = st.none() | st.text(_name_characters, min_size=1, max_size=40)

# Event times: UTC, microsecond precision, over a wide range of years.
timestamps = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)

seq_nrs = st.integers(min_value=1, max_value=2**40)

created_events = st.builds(
    UserAccountCreated,
    event_id=event_ids,
    aggregate_id=user_account_ids,
    seq_nr=seq_nrs,
    occurred_at=timestamps,
    name=user_account_names,
    email_address=email_addresses,
    owner=owners,
)
renamed_events = st.builds(
    UserAccountRenamed,
    event_id=event_ids,
    aggregate_id=user_account_ids,
    seq_nr=seq_nrs,
    occurred_at=timestamps,
    old_name=user_account_names,
    new_name=user_account_names,
)
deleted_events = st.builds(
    UserAccountDeleted,
    event_id=event_ids,
    aggregate_id=user_account_ids,
    seq_nr=seq_nrs,
    occurred_at=timestamps,
)
erased_events = st.builds(
    UserAccountErased,
    event_id=event_ids,
    aggregate_id=user_account_ids,
    seq_nr=seq_nrs,
    occurred_at=timestamps,
)
# The events the previous version (V1 only) could write.
v1_events = st.one_of(created_events, renamed_events, deleted_events)
events = st.one_of(created_events, renamed_events, deleted_events, erased_events)

created_states = st.builds(
    UserAccount,
    id=user_account_ids,
    name=user_account_names,
    email_address=email_addresses,
    created_at=timestamps,
    updated_at=timestamps,
    version=seq_nrs,
    owner=owners,
    deleted=st.booleans(),
)
erased_states = st.builds(
    ErasedUserAccount, id=user_account_ids, version=seq_nrs, erased_at=timestamps
)
states = st.one_of(st.builds(NotCreated, user_account_ids), created_states, erased_states)

# A data key: 256 bits.
data_keys = st.binary(min_size=32, max_size=32)
