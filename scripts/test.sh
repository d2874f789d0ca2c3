#!/usr/bin/env bash
# The whole test suite: generated code check, format, lint, types, layer contracts, then pytest
# (unit first so a failure shows early, then integration and e2e). What CI runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
bootstrap_venv
cd "$REPO_ROOT"
export PATH="$VENV_DIR/bin:$PATH"
export PYTHONPATH="$REPO_ROOT/src${PYTHONPATH:+:$PYTHONPATH}"

step() { printf '\n==> %s\n' "$*"; }

step "generated protobuf code is up to date"
./scripts/generate-proto.sh --check

step "ruff format --check"
ruff format --check src tests

step "ruff check"
ruff check src tests

step "mypy (strict on src/)"
mypy

step "lint-imports (layer contracts)"
lint-imports

run_pytest() {
  # pytest exits 5 when it collected no test: that is a failure of the suite here, not a pass.
  local code=0
  pytest "$@" || code=$?
  if [ "$code" -eq 5 ]; then
    echo "error: no test ran for: pytest $*" >&2
    exit 1
  fi
  [ "$code" -eq 0 ] || exit "$code"
}

step "unit tests"
run_pytest -m unit --cov --cov-report= -q

step "integration and e2e tests"
run_pytest -m "not unit" --cov --cov-append --cov-report=term:skip-covered -q

echo
echo "All checks passed."
