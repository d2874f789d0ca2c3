"""The Command API over HTTP (in-memory event store unless a test says otherwise)."""
