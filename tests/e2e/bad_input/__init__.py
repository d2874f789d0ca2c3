"""The bad-input suite: hostile input over HTTP to both APIs (issue 5, item 3)."""
