"""The Query API over HTTP."""
