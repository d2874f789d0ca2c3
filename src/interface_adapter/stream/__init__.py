"""DynamoDB Streams adapters: record decoding, the Lambda batch contract, the local poller."""
