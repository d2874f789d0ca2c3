#!/usr/bin/env bash
# Builds the read-model updater's AWS Lambda deployment zip (handler
# apps.read_model_updater.lambda_handler.handler) for the Lambda runtime's platform.
#
#   ./scripts/build-lambda-zip.sh [--output FILE] [--arch x86_64|arm64] [--python-version 3.11]
#
# Default output: .run/lambda/read-model-updater.zip. The runtime dependencies come from PyPI as
# manylinux2014 wheels for the chosen architecture and Python (the versions of constraints.txt),
# whatever this machine is; the project's own modules are exactly those the handler imports. The
# zip is reproducible: the same sources and versions give the same bytes (and SHA-256).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"

usage() {
  sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

output="$REPO_ROOT/.run/lambda/read-model-updater.zip"
arch="x86_64"
python_version="3.11"
while [ $# -gt 0 ]; do
  case "$1" in
    --output) output="${2:?--output needs a file}"; shift 2 ;;
    --arch) arch="${2:?--arch needs x86_64 or arm64}"; shift 2 ;;
    --python-version) python_version="${2:?--python-version needs e.g. 3.11}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$arch" in
  x86_64) platform="manylinux2014_x86_64"; machine="x86_64" ;;
  arm64 | aarch64) arch="arm64"; platform="manylinux2014_aarch64"; machine="aarch64" ;;
  *) echo "error: --arch must be x86_64 or arm64, not $arch" >&2; exit 2 ;;
esac
[[ "$python_version" =~ ^3\.[0-9]+$ ]] || {
  echo "error: --python-version must look like 3.11, not $python_version" >&2
  exit 2
}
case "$output" in /*) ;; *) output="$PWD/$output" ;; esac

# What the handler imports (checked below by importing it from the package alone). Not the API
# servers' libraries: no tartiflette, no orjson; aiohttp comes as aiobotocore's HTTP client.
# cryptography: AES-GCM of the personal data and the local key wrapper (manylinux2014 wheels
# for both architectures, abi3). opentelemetry-api: the trace context of the records (SPEC
# §10.2); export (the `otel` extra) is not packaged: the function refuses to start with
# OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER set, naming what to install.
REQUIREMENTS=(aiobotocore asyncpg cryptography dependency-injector opentelemetry-api prometheus-client protobuf returns)

bootstrap_venv
cd "$REPO_ROOT"
started=$SECONDS
build="$(mktemp -d "${TMPDIR:-/tmp}/lambda-zip.XXXXXX")"
trap 'rm -rf "$build"' EXIT
package="$build/package"
helper="$REPO_ROOT/scripts/lib/lambda_package.py"

echo "==> dependencies: ${REQUIREMENTS[*]} for cp${python_version/./} on $platform"
"$VENV_PY" -m pip install --quiet --disable-pip-version-check --no-compile \
  --platform "$platform" --only-binary=:all: --python-version "$python_version" \
  --implementation cp --target "$package" -c "$REPO_ROOT/constraints.txt" "${REQUIREMENTS[@]}"

echo "==> project modules the handler imports"
mapfile -t project_files < <(PYTHONPATH="$REPO_ROOT/src" "$VENV_PY" "$helper" project-files "$REPO_ROOT/src")
for relative in "${project_files[@]}"; do
  install -D -m 0644 "$REPO_ROOT/src/$relative" "$package/$relative"
done
echo "    ${#project_files[@]} files from src/"

"$VENV_PY" "$helper" trim "$package"

host_python="$("$VENV_PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
if [ "$host_python" = "$python_version" ]; then
  if [ "$(uname -m)" = "$machine" ]; then
    # -I -S: no site-packages, no PYTHONPATH; -B: leave no bytecode behind in the package.
    "$VENV_PY" -I -S -B "$helper" smoke "$package"
  else
    echo "    (import check skipped: the wheels are for $machine, this machine is $(uname -m))"
  fi
  # /var/task is read-only on Lambda: bytecode compiled now saves compiling at every cold start.
  # unchecked-hash: the zip's timestamps are fixed, so timestamp checks would always fail.
  "$VENV_PY" -m compileall -q -j 0 --invalidation-mode unchecked-hash \
    -s "$package" -p /var/task "$package" >/dev/null
else
  echo "    (no bytecode and no import check: this machine runs Python $host_python)"
fi

"$VENV_PY" "$helper" zip "$package" "$output"
echo "built in $((SECONDS - started)) s"
