"""Protobuf serializers of events and snapshots (code generated from proto/ lives in generated/)."""
