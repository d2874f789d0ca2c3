"""The limits a public service needs (issue 5, item 4), over HTTP, in-process."""
