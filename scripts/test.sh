#!/usr/bin/env bash
# The whole test suite: generated code check, format, lint, types, layer contracts, then pytest
# (unit first so a failure shows early, then integration and e2e, then the fault tests). What CI
# runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
bootstrap_venv
cd "$REPO_ROOT"
export PATH="$VENV_DIR/bin:$PATH"
# The repository root for devstack/ (the local stack's tooling), which lint-imports analyses too.
export PYTHONPATH="$REPO_ROOT/src:$REPO_ROOT${PYTHONPATH:+:$PYTHONPATH}"

step() { printf '\n==> %s\n' "$*"; }

step "generated protobuf code is up to date"
./scripts/generate-proto.sh --check

step "ruff format --check"
ruff format --check src tests benchmarks devstack

step "ruff check"
ruff check src tests benchmarks devstack

step "mypy (strict on src/ and devstack/)"
mypy

step "lint-imports (layer contracts)"
lint-imports

# --- Chromium, for tests/e2e/test_playground_browser.py (the playground in a real browser) ---
# Installed when missing and possible (root with apt-get); otherwise that test fails, saying why.
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "chromium is missing: installing Debian's chromium package"
    if DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; then
      return 0
    fi
  fi
  echo "error: chromium is not installed (as root: apt-get install -y chromium);" \
    "the playground browser test will fail" >&2
}

step "chromium for the playground browser test"
ensure_chromium
# --- end of Chromium ---

# Every pytest output is also kept here, so that the figures the suites print (inputs tried,
# faults injected, commands verified) can be repeated at the very end of the run.
PYTEST_OUTPUT="$(mktemp)"
trap 'rm -f "$PYTEST_OUTPUT"' EXIT

run_pytest() {
  # pytest exits 5 when it collected no test: that is a failure of the suite here, not a pass.
  local code=0
  # pipefail (set above) makes the pipeline's status pytest's own.
  pytest "$@" 2>&1 | tee -a "$PYTEST_OUTPUT" || code=$?
  if [ "$code" -eq 5 ]; then
    echo "error: no test ran for: pytest $*" >&2
    exit 1
  fi
  [ "$code" -eq 0 ] || exit "$code"
}

step "unit tests"
run_pytest -m unit --cov --cov-report= -q

step "integration and e2e tests"
run_pytest -m "not unit and not faults" --cov --cov-append --cov-report= -q

step "fault tests (kills, outages, signals, concurrency)"
run_pytest -m faults --cov --cov-append --cov-report=term:skip-covered -q

echo
echo "Figures of this run:"
grep -hE "^(inputs tried|forged tokens tried|faults injected): " "$PYTEST_OUTPUT" | sed 's/^/  /' || true
echo
echo "All checks passed."
