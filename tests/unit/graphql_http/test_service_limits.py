"""service_limits: what Settings make of each limit, and the lexical bounds that follow them."""

import pytest

from infrastructure.graphql_engine import QueryLimits, SourceLimits
from infrastructure.graphql_http.service_limits import ServiceLimits, service_limits
from infrastructure.http.limits import HttpLimits, RateLimit
from infrastructure.settings import Settings

pytestmark = pytest.mark.unit


def test_the_defaults_are_those_of_spec_5_and_no_rate_limit() -> None:
    limits = service_limits(Settings())

    assert limits == ServiceLimits(
        http=HttpLimits(
            max_body_bytes=1024 * 1024,
            request_timeout_seconds=30.0,
            max_concurrent_requests=1000,
            rate_limit=None,
        ),
        query=QueryLimits(max_depth=20, max_fields=1000),
    )
    assert limits.source == SourceLimits(max_tokens=10_000, max_nesting=64)


def test_every_setting_reaches_its_limit() -> None:
    settings = Settings(
        max_request_body_bytes=4096,
        max_query_depth=50,
        max_query_complexity=3000,
        request_timeout_seconds=2.5,
        max_concurrent_requests=7,
        rate_limit_per_second=0.5,
        rate_limit_burst=4,
    )

    limits = service_limits(settings)

    assert limits.http == HttpLimits(4096, 2.5, 7, RateLimit(per_second=0.5, burst=4))
    assert limits.query == QueryLimits(max_depth=50, max_fields=3000)
    assert limits.source == SourceLimits(max_tokens=30_000, max_nesting=94)


@pytest.mark.parametrize(("rate", "burst"), [(0.2, 1), (1.0, 1), (2.5, 3), (100.0, 100)])
def test_the_burst_defaults_to_the_rate_rounded_up(rate: float, burst: int) -> None:
    limits = service_limits(Settings(rate_limit_per_second=rate))

    assert limits.http.rate_limit == RateLimit(per_second=rate, burst=burst)


def test_the_body_timeout_reaches_the_http_limits() -> None:
    assert service_limits(Settings()).http.request_body_timeout_seconds == 10.0
    limits = service_limits(Settings(request_body_timeout_seconds=2.5))

    assert limits.http.request_body_timeout_seconds == 2.5
