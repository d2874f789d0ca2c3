"""HttpMetrics: every answer counted by route template, status and error code, and timed."""

from prometheus_client import CollectorRegistry

from infrastructure.loop_metrics import Count, Distribution, LoopCounter, LoopHistogram

# Requests answered by no route (404) share one label value: the raw path is unbounded.
UNMATCHED_ROUTE = "unmatched"
# The `code` of an answer that carries no error code.
NO_CODE = "none"
# From a request answered from memory to one near the request time limit.
DURATION_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1,
    2.5,
    5,
    10,
    30,
)


class HttpMetrics:
    """`http_requests_total{route,status,code}` and `http_request_duration_seconds{route}`.

    Label values are bounded: the route is the router's template (`/api/items/{id}`), never the
    path a client sent; the code is one the service itself answers. Each series is looked up
    once and kept here, so a request costs two dict lookups, an addition and a bisection.
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self._requests = LoopCounter(
            "http_requests",
            "HTTP requests answered, by route template, HTTP status and error code",
            ["route", "status", "code"],
            registry=registry,
        )
        self._durations = LoopHistogram(
            "http_request_duration_seconds",
            "Time from a request's arrival at the service to its answer, by route template",
            ["route"],
            DURATION_BUCKETS,
            registry=registry,
        )
        self._counted: dict[tuple[str, int, str], Count] = {}
        self._timed: dict[str, Distribution] = {}

    def observe(self, route: str, status: int, code: str, seconds: float) -> None:
        key = (route, status, code)
        count = self._counted.get(key)
        if count is None:
            count = self._counted[key] = self._requests.labels(route, str(status), code)
        count.value += 1
        timer = self._timed.get(route)
        if timer is None:
            timer = self._timed[route] = self._durations.labels(route)
        timer.observe(seconds)
