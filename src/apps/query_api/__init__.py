"""The Query API: GraphQL queries answered from the user accounts read model."""
