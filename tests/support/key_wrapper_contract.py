"""KeyWrapperContract: what every KeyWrapper must do. A test module subclasses it and provides
`wrapper` and `other_wrapper` (another key-encryption key) fixtures; the local key file and KMS
(on moto) run the same tests."""

import pytest

from infrastructure.crypto import KeyUnwrapError, KeyWrapper, WrappedKey, new_key

CONTEXT = {"account_id": "01KB6Y3ZQ8XW3R8Q3V9T6J2M4N"}


class KeyWrapperContract:
    # How `wrapped_by` starts for this wrapper.
    wrapped_by_prefix: str
    # What unwrapping a key of `other_wrapper` raises (KMS on moto says AccessDenied).
    other_key_errors: tuple[type[Exception], ...] = (KeyUnwrapError,)

    async def test_a_wrapped_key_unwraps_to_itself(self, wrapper: KeyWrapper) -> None:
        key = new_key()

        wrapped = await wrapper.wrap(key, CONTEXT)

        assert await wrapper.unwrap(wrapped, CONTEXT) == key

    async def test_the_wrapped_form_does_not_hold_the_key(self, wrapper: KeyWrapper) -> None:
        key = new_key()

        wrapped = await wrapper.wrap(key, CONTEXT)

        assert key not in wrapped.blob
        assert key.hex() not in wrapped.wrapped_by
        assert key.hex() not in repr(wrapped)

    async def test_wrapped_by_names_the_wrapping_the_same_each_time(
        self, wrapper: KeyWrapper
    ) -> None:
        first = await wrapper.wrap(new_key(), CONTEXT)
        second = await wrapper.wrap(new_key(), {"account_id": "another"})

        assert first.wrapped_by.startswith(self.wrapped_by_prefix)
        assert first.wrapped_by == second.wrapped_by

    async def test_another_context_does_not_unwrap(self, wrapper: KeyWrapper) -> None:
        wrapped = await wrapper.wrap(new_key(), CONTEXT)

        with pytest.raises(KeyUnwrapError):
            await wrapper.unwrap(wrapped, {"account_id": "01KB6Y3ZQ8XW3R8Q3V9T6J2M4P"})
        with pytest.raises(KeyUnwrapError):
            await wrapper.unwrap(wrapped, {**CONTEXT, "more": "context"})

    async def test_a_changed_wrapped_key_does_not_unwrap(self, wrapper: KeyWrapper) -> None:
        wrapped = await wrapper.wrap(new_key(), CONTEXT)
        changed = bytearray(wrapped.blob)
        changed[-1] ^= 0x01

        with pytest.raises(KeyUnwrapError):
            await wrapper.unwrap(WrappedKey(bytes(changed), wrapped.wrapped_by), CONTEXT)

    async def test_a_key_of_another_key_encryption_key_does_not_unwrap(
        self, wrapper: KeyWrapper, other_wrapper: KeyWrapper
    ) -> None:
        wrapped = await other_wrapper.wrap(new_key(), CONTEXT)

        with pytest.raises(self.other_key_errors):
            await wrapper.unwrap(wrapped, CONTEXT)

    async def test_a_key_of_another_kind_of_wrapping_is_refused_by_name(
        self, wrapper: KeyWrapper
    ) -> None:
        wrapped = await wrapper.wrap(new_key(), CONTEXT)

        with pytest.raises(KeyUnwrapError, match="was wrapped by 'some-other-wrapping:x'"):
            await wrapper.unwrap(WrappedKey(wrapped.blob, "some-other-wrapping:x"), CONTEXT)

    async def test_it_is_ready(self, wrapper: KeyWrapper) -> None:
        await wrapper.ready()
