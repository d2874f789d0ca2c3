"""When to write a snapshot: whenever an append crosses a multiple of the snapshot interval."""


def snapshot_due(version_before: int, version_after: int, interval: int) -> bool:
    """True when some multiple of `interval` lies in (version_before, version_after]."""
    return version_before // interval != version_after // interval
