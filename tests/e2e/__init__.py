"""The apps over HTTP."""
