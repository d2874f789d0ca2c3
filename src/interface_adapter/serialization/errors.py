"""Why stored bytes could not be turned back into an event or a snapshot."""


class DeserializationError(ValueError):
    """The bytes are not a well-formed message of the expected kind (corrupt or foreign data)."""


class UnknownEventTypeError(DeserializationError):
    """The envelope names an event type or version this code cannot decode.

    Never skipped silently: skipping would rebuild a wrong state. Deploy code that knows the
    type (a new version is a new message and a new decoder), then decode again.
    """

    def __init__(self, type_name: str, version: str) -> None:
        super().__init__(f"unknown event type {type_name!r} version {version!r}")
        self.type_name = type_name
        self.version = version


class PersonalDataUnreadableError(DeserializationError):
    """Personal data that cannot be decrypted: the ciphertext is altered or under another key,
    or the account's key is gone where its history is not erased (never expected)."""
