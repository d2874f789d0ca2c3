#!/usr/bin/env bash
# The soak run: ./scripts/soak.sh [--minutes N | --quick]
# Starts its own local stack (free ports, <run dir>/soak/stack, AUTH_MODE=jwt), finds the rate it
# sustains for a mixed load, drives half of it for N minutes (default 10, --quick 3), samples RSS,
# descriptors and /metrics every 10 s, checks the read model against the journal, stops the
# stack, prints a table per minute and the targets, writes <run dir>/soak/latest.json and .png.
# Exit 0 when every target is met, 1 otherwise, 2 on misuse.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
bootstrap_venv >&2
cd "$REPO_ROOT"
export PYTHONPATH="$REPO_ROOT/src:$REPO_ROOT${PYTHONPATH:+:$PYTHONPATH}"
SOAK_DIR="${PCQRSES_RUN_DIR:-$REPO_ROOT/.run}/soak"

# The Python side stops its stack itself (Ctrl-C, SIGTERM, failures). Should it die without doing
# so, the stack it left is stopped here from the ports it wrote down.
stop_leftover_stack() {
  local env_file="$SOAK_DIR/soak-stack.env"
  [ -f "$env_file" ] || return 0
  echo "==> stopping the stack the soak left running" >&2
  (set -a && source "$env_file" && set +a && "$REPO_ROOT/scripts/run-single.sh" down >&2) || true
  rm -f "$env_file"
}
stop_leftover_stack
trap stop_leftover_stack EXIT

# In the background, so that a SIGTERM or SIGHUP sent to this script reaches the run (which stops
# its stack and reports); a Ctrl-C reaches it directly (same process group): nothing to forward.
"$VENV_PY" -m benchmarks.soak "$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null || true' TERM HUP
trap ':' INT
status=0
while true; do
  wait "$child" && status=0 || status=$?
  kill -0 "$child" 2>/dev/null || break
done
exit "$status"
