"""In-memory mode: both APIs in one process."""
