"""What the soak records while it runs: each request, each read-after-write lag, each sample."""

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One HTTP request: when it was answered (seconds since the load began), what it was, how
    long it took, and its error (None when it was answered as expected)."""

    at: float
    kind: str
    seconds: float
    error: str | None = None


@dataclass(frozen=True, slots=True)
class LagRecord:
    """Read-after-write: from a command's acknowledgment until the Query API showed its version
    (the answer that showed it received); `visible` False when it never did in time."""

    at: float
    kind: str
    seconds: float
    visible: bool = True


@dataclass(frozen=True, slots=True)
class OperationRecord:
    """One operation of the mix (a command and its reads, or a list or a search), finished."""

    at: float
    kind: str


@dataclass(frozen=True, slots=True)
class ServiceSample:
    """A service's memory (PostgreSQL: the PSS of all its processes) and open descriptors
    (PostgreSQL: the postmaster's, with its client connections counted apart)."""

    rss_bytes: int
    fds: int
    connections: int | None = None
    # Client connections a server accepted on its own port, and its pools' connections to the
    # stores (neither in `fds`).
    clients: int = 0
    pooled: int = 0


@dataclass(slots=True)
class Sample:
    """Every service's memory and descriptors, and figures of each /metrics endpoint."""

    at: float
    services: dict[str, ServiceSample]
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
