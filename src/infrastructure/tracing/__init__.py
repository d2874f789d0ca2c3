"""Trace context (W3C traceparent) of requests and journal items, and OpenTelemetry spans when
export is configured; no business words."""
