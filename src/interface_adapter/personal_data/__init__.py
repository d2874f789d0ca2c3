"""Personal data of user accounts (SPEC §9): each account's data key (the DataKeys port and its
DynamoDB, in-memory and cached implementations); the fields are sealed by serialization/."""
