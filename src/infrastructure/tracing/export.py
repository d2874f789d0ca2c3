"""OpenTelemetry export, off unless OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER is set:
then the SDK (the `otel` extra) with the exporters asked for, imported only then."""

import importlib
from collections.abc import Mapping
from typing import Any

from infrastructure.settings import SettingsError
from infrastructure.tracing.spans import use_tracer_provider

INSTALL_HINT = "pip install 'pcqrses[otel]'"
# The packages of that extra (pyproject.toml).
_OTEL_EXTRA = frozenset(
    {
        "opentelemetry-sdk",
        "opentelemetry-exporter-otlp-proto-http",
        "opentelemetry-instrumentation-asyncpg",
    }
)
# What OTEL_TRACES_EXPORTER may name (comma-separated), as the SDK's own configuration reads it.
_EXPORTERS = ("otlp", "console", "none")
_OTLP_EXPORTERS = {
    "http/protobuf": (
        "opentelemetry.exporter.otlp.proto.http.trace_exporter",
        "opentelemetry-exporter-otlp-proto-http",
    ),
    "grpc": (
        "opentelemetry.exporter.otlp.proto.grpc.trace_exporter",
        "opentelemetry-exporter-otlp-proto-grpc",
    ),
}


def exporters_asked_for(environ: Mapping[str, str]) -> list[str]:
    """The exporters the environment asks for; [] when export is off. An endpoint alone means
    OTLP (the SDK's default exporter); OTEL_TRACES_EXPORTER=none turns export off."""
    names = [
        name.strip().lower()
        for name in environ.get("OTEL_TRACES_EXPORTER", "").split(",")
        if name.strip()
    ]
    if not names:
        return ["otlp"] if environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") else []
    unknown = [name for name in names if name not in _EXPORTERS]
    if unknown:
        raise SettingsError(
            f"OTEL_TRACES_EXPORTER: unknown exporter {', '.join(unknown)}; "
            f"use {', '.join(_EXPORTERS)}"
        )
    return [name for name in names if name != "none"]


def start_tracing(service_name: str, environ: Mapping[str, str]) -> Any:
    """Export spans as the environment asks, from now on in this process; the SDK's
    TracerProvider (flushed and shut down at exit), or None when export is off. Raises
    SettingsError, saying what to install, when a package export needs is missing."""
    exporters = exporters_asked_for(environ)
    if not exporters:
        return None
    sdk_trace = _module("opentelemetry.sdk.trace", "opentelemetry-sdk")
    sdk_export = _module("opentelemetry.sdk.trace.export", "opentelemetry-sdk")
    resources = _module("opentelemetry.sdk.resources", "opentelemetry-sdk")
    asyncpg_instrumentation = _module(
        "opentelemetry.instrumentation.asyncpg", "opentelemetry-instrumentation-asyncpg"
    )
    attributes = {} if environ.get("OTEL_SERVICE_NAME") else {"service.name": service_name}
    provider = sdk_trace.TracerProvider(resource=resources.Resource.create(attributes))
    for name in exporters:
        if name == "console":
            processor = sdk_export.SimpleSpanProcessor(sdk_export.ConsoleSpanExporter())
        else:
            processor = sdk_export.BatchSpanProcessor(_otlp_exporter(environ))
        provider.add_span_processor(processor)
    asyncpg_instrumentation.AsyncPGInstrumentor().instrument(tracer_provider=provider)
    use_tracer_provider(provider)
    return provider


def _otlp_exporter(environ: Mapping[str, str]) -> Any:
    protocol = (
        environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
        or environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
        or "http/protobuf"
    )
    if protocol not in _OTLP_EXPORTERS:
        raise SettingsError(
            f"OTEL_EXPORTER_OTLP_PROTOCOL: {protocol!r} is not supported; "
            f"use {' or '.join(_OTLP_EXPORTERS)}"
        )
    module_name, package = _OTLP_EXPORTERS[protocol]
    # It reads OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS, _TIMEOUT... itself.
    return _module(module_name, package).OTLPSpanExporter()


def _module(name: str, package: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as error:
        hint = INSTALL_HINT if package in _OTEL_EXTRA else f"pip install {package}"
        raise SettingsError(
            "OpenTelemetry export is configured (OTEL_EXPORTER_OTLP_ENDPOINT or "
            f"OTEL_TRACES_EXPORTER) but {package} is not installed: {hint}"
        ) from error
