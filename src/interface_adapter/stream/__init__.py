"""The journal's DynamoDB Streams records for the stream consumer: decoding, the handler that
applies them through the projection, and the Lambda batch contract."""
