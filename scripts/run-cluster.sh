#!/usr/bin/env bash
# Several API processes per port and several updaters, on one machine, no Docker:
# up [--nodes N] [--updaters M] [--auth] | status | logs [service] [-f] | stop NAME...
# | down [--volumes] | token [...] | admin COMMAND...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/stack.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/cluster.sh"

usage() {
  cat <<'USAGE'
usage: ./scripts/run-cluster.sh <command>

  up [--nodes N] [--updaters M] [--auth]
                          start what is not running yet and wait until it is healthy:
                          N Command API and N Query API processes (default 3) sharing ports
                          50501 and 50502 (SO_REUSEPORT: the kernel spreads connections over
                          them), M read-model updaters (default 2: one reads each shard under
                          its lease, the other stands by and takes over), one local DynamoDB,
                          one PostgreSQL. Running it again with other numbers scales to them.
                          --auth: bearer tokens required (AUTH_MODE=jwt), as run-single.sh up --auth
  status                  one line per process: name, state, pid, port (updaters: lease or
                          standby, their lag; APIs: auth on or off, their own metrics port)

Each process serves its own /metrics: command-api-N on CLUSTER_METRICS_PORT_BASE+N, query-api-N
on +20+N, read-model-updater-N (with its health routes) on +40+N; the base is 50510.
  logs [service] [-f]     show (or follow) the logs of one process (e.g. command-api-2) or of all
  stop NAME...            stop processes alone, e.g. read-model-updater-1 read-model-updater-2
                          before checkpoints reset (up starts them again)
  down [--volumes]        stop every process of the stack; --volumes also deletes .run/ (all data)
  token [...]             one token of the local issuer, as run-single.sh token
  admin COMMAND...        an operator command against the cluster's stores, as run-single.sh admin

The data (.run/) is the one run-single.sh uses: stop one stack before starting the other. A
cluster running with authentication is not turned off by up (nor on by up --auth): down first.
USAGE
}

# positive_count OPTION VALUE: VALUE when it is a whole number in 1..MAX_NODES, or exit 2.
positive_count() {
  if [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le "$MAX_NODES" ]; then
    echo "$2"
  else
    echo "$1 needs a number from 1 to $MAX_NODES, not '$2'" >&2
    exit 2
  fi
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  up)
    nodes=3
    updaters=2
    auth=0
    while [ $# -gt 0 ]; do
      case "$1" in
        --auth) auth=1; shift ;;
        --nodes) nodes="$(positive_count --nodes "${2:-}")"; shift 2 ;;
        --nodes=*) nodes="$(positive_count --nodes "${1#*=}")"; shift ;;
        --updaters) updaters="$(positive_count --updaters "${2:-}")"; shift 2 ;;
        --updaters=*) updaters="$(positive_count --updaters "${1#*=}")"; shift ;;
        *) echo "unknown option for up: $1" >&2; usage >&2; exit 2 ;;
      esac
    done
    bootstrap_venv
    [ "$auth" -eq 0 ] || enable_local_auth
    cluster_up "$nodes" "$updaters"
    ;;
  token)
    bootstrap_venv >&2
    auth_token "$@"
    ;;
  status) cluster_status ;;
  logs) stack_logs "$@" ;;
  stop)
    [ $# -gt 0 ] || { echo "stop needs process names (status lists them)" >&2; exit 2; }
    for name in "$@"; do
      [[ "$name" =~ ^(read-model-updater|command-api|query-api)-[0-9]+$ ]] || {
        echo "stop takes numbered processes (e.g. read-model-updater-1), not '$name'" >&2
        exit 2
      }
    done
    stop_processes "$@"
    ;;
  admin)
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
