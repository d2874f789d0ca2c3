"""Every service's RSS and open descriptors (from /proc) and its /metrics, at one moment."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from benchmarks.soak.records import Sample, ServiceSample

# The figures kept of each scrape: (name in the JSON, metric, how to fold its samples).
_WANTED = (
    ("http_requests", "http_requests_total", "sum"),
    ("commands", "commands_total", "sum"),
    ("aggregate_cache_hits", "aggregate_cache_hits_total", "sum"),
    ("aggregate_cache_misses", "aggregate_cache_misses_total", "sum"),
    ("concurrency_conflicts", "concurrency_conflicts_total", "sum"),
    ("updater_events_applied", "updater_events_applied_total", "sum"),
    ("updater_lag_seconds", "updater_lag_seconds", "max"),
    ("updater_dead_letters", "updater_dead_letters", "max"),
)


def _status_value(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return 0


def _pss(pid: int) -> int:
    """Proportional set size: the shared memory of PostgreSQL's processes counted once."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def _fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


@dataclass(frozen=True, slots=True)
class Connection:
    local_port: int
    remote_port: int
    listening: bool


def tcp_connections() -> dict[str, Connection]:
    """Every TCP socket of this network namespace by inode (/proc/net/tcp and tcp6)."""
    connections: dict[str, Connection] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            connections[fields[9]] = Connection(
                int(fields[1].rsplit(":", 1)[1], 16),
                int(fields[2].rsplit(":", 1)[1], 16),
                fields[3] == "0A",
            )
    return connections


@dataclass(frozen=True, slots=True)
class Ports:
    """A server's own port, and the ports of the stores its pools connect to."""

    own: int | None
    stores: frozenset[int]


def _split_descriptors(
    pid: int, ports: Ports, connections: Mapping[str, Connection]
) -> tuple[int, int, int]:
    """Open descriptors of `pid`: (the others, connections accepted on its own port,
    connections of its pools to the stores)."""
    targets = []
    for entry in os.listdir(f"/proc/{pid}/fd"):
        try:
            targets.append(os.readlink(f"/proc/{pid}/fd/{entry}"))
        except OSError:
            continue  # closed meanwhile
    clients = pooled = 0
    for target in targets:
        if not target.startswith("socket:["):
            continue
        connection = connections.get(target[8:-1])
        if connection is None or connection.listening:
            continue
        if connection.local_port == ports.own:
            clients += 1
        elif connection.remote_port in ports.stores:
            pooled += 1
    return len(targets) - clients - pooled, clients, pooled


def _children(pid: int) -> list[int]:
    """The direct children of `pid` (PostgreSQL's backends and helpers)."""
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry))
    return children


def process_sample(
    name: str,
    pid: int,
    ports: Ports | None = None,
    connections: Mapping[str, Connection] | None = None,
) -> ServiceSample:
    """VmRSS and descriptors of one process. PostgreSQL: the PSS of the postmaster and its
    children summed (shared buffers count once), the postmaster's descriptors, and its client
    connections (a backend opens relation files as it goes, and autovacuum comes and goes: their
    descriptors would be growth of no leak). A server's connections accepted on its own port,
    and those of its pools to the stores, are counted apart from its descriptors: how many there
    are follows the load's concurrency and latency, up to the pools' bounds; a leak would show in
    the others."""
    if name != "postgres":
        fds, clients, pooled = _split_descriptors(
            pid, ports or Ports(None, frozenset()), connections or {}
        )
        return ServiceSample(_status_value(pid, "VmRSS"), fds, clients=clients, pooled=pooled)
    rss = 0
    backends = 0
    for member in [pid, *_children(pid)]:
        try:
            rss += _pss(member)
            if member != pid and _is_client_backend(member):
                backends += 1
        except OSError:
            continue  # a backend that ended meanwhile
    return ServiceSample(rss, _fds(pid), backends)


def _is_client_backend(pid: int) -> bool:
    command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    return ("(" in command and ")" in command) or "[local]" in command


def scraped_figures(text: str) -> dict[str, float]:
    """The figures of `_WANTED` in a /metrics answer (Prometheus text format)."""
    by_name: dict[str, list[float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            by_name.setdefault(sample.name, []).append(sample.value)
    figures: dict[str, float] = {}
    for key, name, fold in _WANTED:
        values = by_name.get(name, [])
        if values:
            figures[key] = sum(values) if fold == "sum" else max(values)
    return figures


async def take_sample(
    at: float,
    pids: Mapping[str, int],
    endpoints: Mapping[str, str],
    session: aiohttp.ClientSession,
    ports: Mapping[str, Ports] | None = None,
) -> Sample:
    """A Sample of `pids` and of the /metrics at `endpoints` (by service); what could not be
    read is a problem of the sample (a service gone, an endpoint silent)."""
    sample = Sample(at, {})
    connections = tcp_connections()
    for name, pid in pids.items():
        try:
            sample.services[name] = process_sample(name, pid, (ports or {}).get(name), connections)
        except OSError as error:
            sample.problems.append(f"{name} (pid {pid}): {type(error).__name__}")
    for name, url in endpoints.items():
        try:
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=10)) as response:
                text = await response.text()
                if response.status != 200:
                    sample.problems.append(f"{url}: HTTP {response.status}")
                    continue
            sample.metrics[name] = scraped_figures(text)
        except (aiohttp.ClientError, TimeoutError) as error:
            sample.problems.append(f"{url}: {type(error).__name__}")
    return sample
