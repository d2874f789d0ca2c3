"""Personal data (SPEC §9): the accounts' data keys, which the event store, the serializers and the
stream handler use; the domain never sees ciphertext, the use cases never see keys."""
