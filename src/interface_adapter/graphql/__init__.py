"""GraphQL over HTTP with tartiflette and aiohttp, shared by the Command and Query APIs."""
