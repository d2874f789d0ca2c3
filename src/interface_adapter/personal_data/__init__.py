"""Personal data of user accounts (SPEC §9): each account's data key (DataKeys and its DynamoDB,
in-memory and cached implementations) and the fields encrypted under it (AccountFieldCipher)."""
