"""Application services, one per module, and the ports (Protocols) they need."""
