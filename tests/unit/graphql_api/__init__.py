"""Unit tests of the API's adapter: resolvers called directly, the DateTime scalar."""
