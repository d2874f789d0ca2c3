"""OpenTelemetry export: off unless OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER asks;
then the SDK, or a start-up error that names what to install; off, the SDK is never imported."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from infrastructure.settings import SettingsError
from infrastructure.tracing.export import INSTALL_HINT, exporters_asked_for, start_tracing
from infrastructure.tracing.spans import tracing_on

pytestmark = pytest.mark.unit

SRC = Path(__file__).resolve().parents[3] / "src"


@pytest.mark.parametrize(
    ("environ", "exporters"),
    [
        ({}, []),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": ""}, []),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, ["otlp"]),
        ({"OTEL_TRACES_EXPORTER": "console"}, ["console"]),
        ({"OTEL_TRACES_EXPORTER": "otlp, Console"}, ["otlp", "console"]),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, []),
    ],
)
def test_which_exporters_the_environment_asks_for(
    environ: dict[str, str], exporters: list[str]
) -> None:
    assert exporters_asked_for(environ) == exporters


def test_an_unknown_exporter_is_refused_by_name() -> None:
    with pytest.raises(SettingsError, match="unknown exporter zipkin"):
        exporters_asked_for({"OTEL_TRACES_EXPORTER": "zipkin"})


def test_export_off_starts_nothing() -> None:
    assert start_tracing("command-api", {}) is None
    assert not tracing_on()


@pytest.mark.parametrize(
    ("missing", "package"),
    [
        ("opentelemetry.sdk.trace", "opentelemetry-sdk"),
        (
            "opentelemetry.exporter.otlp.proto.http.trace_exporter",
            "opentelemetry-exporter-otlp-proto-http",
        ),
        ("opentelemetry.instrumentation.asyncpg", "opentelemetry-instrumentation-asyncpg"),
    ],
)
def test_a_missing_package_is_named_with_what_to_install(
    monkeypatch: pytest.MonkeyPatch, missing: str, package: str
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # import raises ImportError

    with pytest.raises(SettingsError) as refused:
        start_tracing("command-api", {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})

    assert f"{package} is not installed: {INSTALL_HINT}" in str(refused.value)
    assert not tracing_on()


def test_the_grpc_protocol_names_its_own_exporter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry.exporter.otlp.proto.grpc.trace_exporter", None)
    environ = {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}

    with pytest.raises(SettingsError, match="pip install opentelemetry-exporter-otlp-proto-grpc"):
        start_tracing("command-api", environ)


def run_python(code: str, **environ: str) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter: the SDK's global state stays out of this one."""
    return subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin", **environ},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_with_export_off_the_apps_never_import_the_sdk() -> None:
    code = """
import os, sys
import apps.command_api.__main__, apps.query_api.__main__, apps.in_memory.__main__
import apps.read_model_updater.__main__, apps.read_model_updater.lambda_handler
from infrastructure.tracing.export import start_tracing
assert start_tracing("command-api", os.environ) is None
print(sorted(name for name in sys.modules if name.startswith("opentelemetry.sdk")
             or name.startswith("opentelemetry.instrumentation")))
"""
    ran = run_python(code)

    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "[]"


def test_with_the_console_exporter_spans_are_written_out() -> None:
    code = """
import os
from infrastructure.tracing.export import start_tracing
from infrastructure.tracing.spans import span
provider = start_tracing("command-api", os.environ)
with span("one request"):
    pass
provider.shutdown()
"""
    ran = run_python(code, OTEL_TRACES_EXPORTER="console")

    assert ran.returncode == 0, ran.stderr
    exported = json.loads(ran.stdout)
    assert exported["name"] == "one request"
    assert exported["resource"]["attributes"]["service.name"] == "command-api"
