"""Generic HTTP on aiohttp: server start-up, the one middleware, guards, health, JSON answers."""
