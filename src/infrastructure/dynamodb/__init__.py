"""DynamoDB helpers shared by the event store and the stream consumer: clients, their typed
calls, tables. The client factories are re-exported here, where their users have found them."""

from infrastructure.dynamodb.clients import (
    client_arguments,
    client_config,
    dynamodb_client,
    dynamodbstreams_client,
)

__all__ = ["client_arguments", "client_config", "dynamodb_client", "dynamodbstreams_client"]
