"""Queries on user accounts for the Query API: validated input, then the read model."""
