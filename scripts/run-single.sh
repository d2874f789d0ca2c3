#!/usr/bin/env bash
# The whole stack on one machine, no Docker: up [--in-memory] | status | logs [service] [-f] | down [--volumes]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/stack.sh"

usage() {
  cat <<'USAGE'
usage: ./scripts/run-single.sh <command>

  up [--in-memory]        start what is not running yet and wait until it is healthy
  status                  one line per service: name, state, pid, port
  logs [service] [-f]     show (or follow) the logs of one service or of all
  down [--volumes]        stop what this script started; --volumes also deletes .run/ (all local data)

services: dynamodb postgres read-model-updater command-api query-api
USAGE
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  up)
    mode="stack"
    for arg in "$@"; do
      case "$arg" in
        --in-memory) mode="in-memory" ;;
        *) echo "unknown option for up: $arg" >&2; usage >&2; exit 2 ;;
      esac
    done
    bootstrap_venv
    stack_up "$mode"
    ;;
  status) stack_status ;;
  logs) stack_logs "$@" ;;
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
