"""SPEC §8.2 over HTTP: owners, admins and FORBIDDEN through both APIs."""
