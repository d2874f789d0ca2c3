"""The Command API: GraphQL mutations that append user account events to the journal."""
