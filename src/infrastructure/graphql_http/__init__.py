"""GraphQL over HTTP: the routes of SPEC §5 that speak GraphQL, on the engine and the HTTP layer."""
