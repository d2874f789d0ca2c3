#!/usr/bin/env bash
# The whole stack on one machine, no Docker:
# up [--in-memory] [--auth] | status | logs [service] [-f] | stop SERVICE... | down [--volumes]
# | token [...] | admin COMMAND...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/stack.sh"

usage() {
  cat <<'USAGE'
usage: ./scripts/run-single.sh <command>

  up [--in-memory] [--auth]
                          start what is not running yet and wait until it is healthy;
                          --in-memory: one process serving both APIs from memory;
                          --auth: bearer tokens required (AUTH_MODE=jwt) from the local issuer,
                          whose keys are made on first use in .run/auth/
  status                  one line per service: name, state, pid, port (APIs: auth on or off;
                          the updater: its lag, from the /metrics of its port)
  logs [service] [-f]     show (or follow) the logs of one service or of all
  stop SERVICE...         stop read-model-updater, command-api or query-api alone (up starts
                          it again), e.g. before checkpoints reset
  down [--volumes]        stop what this script started; --volumes also deletes .run/ (all local
                          data, the local issuer's keys included)
  token [--subject S] [--admin] [--expires-in SECONDS] [--audience A]
                          print one token of the local issuer (defaults: local-user, not an
                          admin, 3600 s, pcqrses; a negative --expires-in: already expired)
  admin COMMAND...        an operator command against this stack (python -m apps.admin):
                          dead-letters list|show ID|retry ID|--all|purge ID|--all [--yes],
                          checkpoints show|reset SHARD --to trim-horizon|latest [--yes],
                          rebuild-read-model [--segments N] [--resume], status,
                          create-tables, migrate; admin --help for more

A stack running with authentication is not turned off by up (nor on by up --auth): run down first.

services: dynamodb postgres read-model-updater command-api query-api
USAGE
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  up)
    mode="stack"
    auth=0
    for arg in "$@"; do
      case "$arg" in
        --in-memory) mode="in-memory" ;;
        --auth) auth=1 ;;
        *) echo "unknown option for up: $arg" >&2; usage >&2; exit 2 ;;
      esac
    done
    bootstrap_venv
    [ "$auth" -eq 0 ] || enable_local_auth
    stack_up "$mode"
    ;;
  token)
    # Only the token goes to stdout: what bootstrapping says goes to stderr.
    bootstrap_venv >&2
    auth_token "$@"
    ;;
  status) stack_status ;;
  logs) stack_logs "$@" ;;
  stop)
    [ $# -gt 0 ] || { echo "stop needs a service: read-model-updater command-api query-api" >&2; exit 2; }
    for name in "$@"; do
      case "$name" in
        read-model-updater | command-api | query-api) ;;
        *) echo "stop takes read-model-updater, command-api or query-api, not '$name' (down stops everything)" >&2; exit 2 ;;
      esac
    done
    stop_processes "$@"
    ;;
  admin)
    # What bootstrapping says goes to stderr: stdout is the command's (tables, or --json).
    bootstrap_venv >&2
    stack_admin "$@"
    ;;
  down)
    volumes=0
    for arg in "$@"; do
      case "$arg" in
        --volumes) volumes=1 ;;
        *) echo "unknown option for down: $arg" >&2; usage >&2; exit 2 ;;
      esac
    done
    stack_down "$volumes"
    ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
