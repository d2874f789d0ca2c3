"""Bearer-token authentication: who a request's token says the caller is (no business words)."""
