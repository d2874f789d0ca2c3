#!/usr/bin/env bash
# The benchmark: ./scripts/bench.sh [--quick] [--only 1,5a]
# Starts its own services (a fresh moto server, PostgreSQL in a temporary directory, the apps as
# processes), runs the scenarios with progress on stderr, prints the table and writes
# .run/bench/latest.json. Exit 0 when every target is met, 1 when one is missed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
bootstrap_venv
cd "$REPO_ROOT"
export PATH="$VENV_DIR/bin:$PATH"
export PYTHONPATH="$REPO_ROOT/src:$REPO_ROOT${PYTHONPATH:+:$PYTHONPATH}"

# The load client: wrk (Debian package) when it can be had; otherwise a Python client, which tops
# out near 15,000 req/s here and may then be the bottleneck (the report names the client).
ensure_wrk() {
  command -v wrk >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "wrk is missing: installing Debian's wrk package" >&2
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 ||
      { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }; then
      return 0
    fi
  fi
  echo "warning: wrk is not installed (as root: apt-get install -y wrk); using the Python client" >&2
}

ensure_wrk
exec "$VENV_PY" -m benchmarks "$@"
