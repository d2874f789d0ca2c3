"""Adapters: GraphQL, event stores, read models, serializers and stream decoding."""
