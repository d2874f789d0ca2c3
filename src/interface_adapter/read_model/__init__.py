"""Read-model adapters implementing the UserAccountReadModel port: PostgreSQL and in-memory."""
