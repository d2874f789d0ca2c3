"""Callers the tests use: the one every request is with AUTH_MODE=off, subjects, an admin."""

from use_case.caller import Caller

# Every request's caller when authentication is off: an admin without identity (SPEC §8.2).
NO_AUTH = Caller.admin_without_identity()
ADMIN = Caller("auth0|admin", admin=True)
ALICE = Caller("auth0|alice", admin=False)
BOB = Caller("auth0|bob", admin=False)
