"""A local DynamoDB (moto server) that survives restarts by journaling its mutating requests."""
