"""The GraphQL API's adapter: schemas, resolvers, payloads, scalars, outcomes → error codes."""
