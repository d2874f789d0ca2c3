"""Adapters: GraphQL schemas and resolvers, event stores, read models, serializers, stream decoding."""
