"""The limits one GraphQL API server enforces, and how Settings sets them."""

from dataclasses import dataclass, field

from infrastructure.settings import Settings
from interface_adapter.graphql.limits import QueryLimits
from interface_adapter.graphql.source_guard import SourceLimits

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A token bucket per client address: `burst` requests at once, `per_second` refilled."""

    per_second: float
    burst: int


@dataclass(frozen=True, slots=True)
class HttpLimits:
    # A body of exactly max_body_bytes is accepted; one byte more is a 413.
    max_body_bytes: int = MIB
    request_timeout_seconds: float = 30.0
    max_concurrent_requests: int = 1000
    rate_limit: RateLimit | None = None


@dataclass(frozen=True, slots=True)
class ServiceLimits:
    http: HttpLimits = field(default_factory=HttpLimits)
    query: QueryLimits = field(default_factory=QueryLimits)

    @property
    def source(self) -> SourceLimits:
        """The lexical bounds checked before parsing, kept in step with the query limits: room
        for 10 tokens per allowed field, and for the brackets of arguments and input values
        (44 levels) on top of the allowed selection depth."""
        defaults = SourceLimits()
        return SourceLimits(
            max_tokens=max(defaults.max_tokens, 10 * self.query.max_fields),
            max_nesting=max(defaults.max_nesting, self.query.max_depth + 44),
        )


def service_limits(settings: Settings) -> ServiceLimits:
    rate_limit = (
        RateLimit(settings.rate_limit_per_second, settings.effective_rate_limit_burst)
        if settings.rate_limit_per_second > 0
        else None
    )
    return ServiceLimits(
        http=HttpLimits(
            max_body_bytes=settings.max_request_body_bytes,
            request_timeout_seconds=settings.request_timeout_seconds,
            max_concurrent_requests=settings.max_concurrent_requests,
            rate_limit=rate_limit,
        ),
        query=QueryLimits(
            max_depth=settings.max_query_depth, max_fields=settings.max_query_complexity
        ),
    )
