"""The limits one GraphQL API server enforces, and how Settings sets them."""

from dataclasses import dataclass, field

from infrastructure.graphql_engine import QueryLimits, SourceLimits
from infrastructure.http.limits import HttpLimits, RateLimit
from infrastructure.settings import Settings


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
            request_body_timeout_seconds=settings.request_body_timeout_seconds,
            request_timeout_seconds=settings.request_timeout_seconds,
            max_concurrent_requests=settings.max_concurrent_requests,
            rate_limit=rate_limit,
        ),
        query=QueryLimits(
            max_depth=settings.max_query_depth, max_fields=settings.max_query_complexity
        ),
    )
