#!/usr/bin/env bash
# Creates .venv and installs the project with its dev tools when missing or out of date.
# Sourced by the other scripts; afterwards $VENV_PY is the virtualenv's python.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV_DIR="$REPO_ROOT/.venv"
VENV_PY="$VENV_DIR/bin/python"

_find_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

_check_build_tools() {
  # tartiflette has no wheel for 3.11+: pip builds it from source with cmake and a C/C++ compiler.
  local missing=()
  command -v cmake >/dev/null 2>&1 || missing+=("cmake")
  command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || missing+=("a C compiler (gcc)")
  command -v c++ >/dev/null 2>&1 || command -v g++ >/dev/null 2>&1 || missing+=("a C++ compiler (g++)")
  if [ ${#missing[@]} -gt 0 ]; then
    echo "error: building tartiflette needs: ${missing[*]}." >&2
    echo "       Debian/Ubuntu: sudo apt-get install cmake build-essential" >&2
    echo "       macOS:         xcode-select --install && brew install cmake" >&2
    exit 1
  fi
}

bootstrap_venv() {
  local stamp="$VENV_DIR/.installed-from"
  local wanted
  wanted="$(cat "$REPO_ROOT/pyproject.toml" "$REPO_ROOT/constraints.txt" 2>/dev/null | sha256sum | cut -d' ' -f1)"
  if [ -x "$VENV_PY" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    return 0
  fi
  local python
  if ! python="$(_find_python)"; then
    echo "error: Python >= 3.11 is required (set PYTHON=/path/to/python3.11 to choose one)." >&2
    exit 1
  fi
  if [ ! -x "$VENV_PY" ]; then
    _check_build_tools
    echo "==> creating .venv with $python"
    "$python" -m venv "$VENV_DIR"
  fi
  echo "==> installing the project and its dev tools into .venv (first time: a few minutes)"
  "$VENV_PY" -m pip install --quiet --upgrade pip setuptools wheel
  if ! "$VENV_PY" -m pip install --quiet -c "$REPO_ROOT/constraints.txt" -e "$REPO_ROOT[dev]"; then
    _check_build_tools
    echo "error: installing the project failed (see above)." >&2
    exit 1
  fi
  echo "$wanted" >"$stamp"
}
