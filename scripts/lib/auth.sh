#!/usr/bin/env bash
# Authentication of the local stack (SPEC §8.3): `up --auth` turns on AUTH_MODE=jwt with the local
# issuer of devstack/local_issuer.py, whose keys live in .run/auth/. Sourced by lib/stack.sh.
set -euo pipefail

AUTH_DIR="$RUN_DIR/auth"
LOCAL_ISSUER="pcqrses-local"
LOCAL_AUDIENCE="pcqrses"

# enable_local_auth: the local issuer's key pair (made on first use) and the AUTH_* variables of
# every process started afterwards. AUTH_JWKS_URL goes: jwt mode takes exactly one source of keys.
enable_local_auth() {
  if ! "$VENV_PY" -m devstack.local_issuer keys --dir "$AUTH_DIR" >/dev/null; then
    echo "error: could not create the local issuer's keys in $AUTH_DIR" >&2
    exit 1
  fi
  export AUTH_MODE=jwt AUTH_ISSUER="$LOCAL_ISSUER" AUTH_AUDIENCE="$LOCAL_AUDIENCE"
  export AUTH_JWKS_FILE="$AUTH_DIR/jwks.json"
  unset AUTH_JWKS_URL
}

# The AUTH_MODE the processes started now get: off unless up --auth (or the caller's environment)
# says jwt.
wanted_auth_mode() { printf '%s\n' "${AUTH_MODE:-off}" | tr '[:upper:]' '[:lower:]'; }

# auth_file NAME: where start_process records the AUTH_MODE a process was started with.
auth_file() { echo "$PID_DIR/$1.auth"; }

record_auth_mode() { wanted_auth_mode >"$(auth_file "$1")"; }

# auth_mode_of NAME: the AUTH_MODE the process NAME was started with (off when never recorded:
# processes from before authentication existed had none).
auth_mode_of() { cat "$(auth_file "$1")" 2>/dev/null || echo off; }

# The AUTH_MODE of the running API processes (of either script), or nothing when none runs.
running_auth_mode() {
  local name
  for name in in-memory command-api query-api $(pid_names 'command-api-*') $(pid_names 'query-api-*'); do
    if [ -n "$(running_pid "$name")" ]; then
      auth_mode_of "$name"
      return 0
    fi
  done
  return 0
}

# refuse_other_auth_mode SCRIPT: up is idempotent for a stack in the same mode; a stack running in
# the other one is never changed under its users: stop it first.
refuse_other_auth_mode() {
  local script="$1" running wanted
  running="$(running_auth_mode)"
  wanted="$(wanted_auth_mode)"
  if [ -z "$running" ] || [ "$running" = "$wanted" ]; then
    return 0
  fi
  if [ "$running" = "off" ]; then
    echo "error: the stack is running without authentication; to turn it on, stop it first" \
      "with ./scripts/$script down, then run ./scripts/$script up --auth" >&2
  else
    echo "error: the stack is running with authentication (AUTH_MODE=$running); stop it first" \
      "with ./scripts/$script down, then run ./scripts/$script up (add --auth to keep it on)" >&2
  fi
  exit 1
}

# auth_status_column NAME: what status shows beside a running API process.
auth_status_column() {
  local mode
  mode="$(auth_mode_of "$1")"
  if [ "$mode" = "off" ]; then echo "auth: off"; else echo "auth: on ($mode)"; fi
}

# print_auth_hint SCRIPT: how to get and send a token, after up in jwt mode.
print_auth_hint() {
  local script="$1"
  [ "$(wanted_auth_mode)" != "off" ] || return 0
  if [ "${AUTH_JWKS_FILE:-}" != "$AUTH_DIR/jwks.json" ]; then
    echo "  Auth         on (AUTH_MODE=jwt, issuer ${AUTH_ISSUER:-?}): tokens come from that issuer"
    return 0
  fi
  echo "  Auth         on (AUTH_MODE=jwt, local issuer $LOCAL_ISSUER, keys in $AUTH_DIR/)"
  echo "               every POST /api/graphql needs a token; get one (add --admin for an administrator):"
  echo "                 TOKEN=\$(./scripts/$script token)"
  echo "                 curl -H \"Authorization: Bearer \$TOKEN\" -H 'Content-Type: application/json' ..."
  echo "               in a playground, paste it into the token field above the editor"
}

# auth_token [OPTIONS]: one token of the local issuer on stdout (devstack/local_issuer.py token).
auth_token() {
  if [ "$(running_auth_mode)" = "off" ]; then
    echo "note: the running stack does not check tokens (started without --auth)" >&2
  fi
  "$VENV_PY" -m devstack.local_issuer token --dir "$AUTH_DIR" "$@"
}
