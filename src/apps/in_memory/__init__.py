"""In-memory mode: both APIs in one process, the journal and the read model kept in memory."""
