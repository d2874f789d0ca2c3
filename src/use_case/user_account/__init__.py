"""Use cases on user accounts: create, rename, delete."""
