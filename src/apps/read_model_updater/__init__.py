"""The read-model updater: DynamoDB Streams records of the journal applied to PostgreSQL."""
