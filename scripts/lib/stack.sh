#!/usr/bin/env bash
# Starting, watching and stopping the local stack's processes; sourced by run-single.sh and
# run-cluster.sh (through lib/cluster.sh). Every process this file starts has a pid file under
# .run/pids and a log under .run/logs; both scripts share them, and the data.
set -euo pipefail

# PCQRSES_RUN_DIR and LOCAL_POSTGRES_PORT let a second stack (the test suite's) run beside yours.
RUN_DIR="${PCQRSES_RUN_DIR:-$REPO_ROOT/.run}"
PID_DIR="$RUN_DIR/pids"
LOG_DIR="$RUN_DIR/logs"
SERVICES=(dynamodb postgres read-model-updater command-api query-api)

export COMMAND_API_HOST="${COMMAND_API_HOST:-127.0.0.1}"
export COMMAND_API_PORT="${COMMAND_API_PORT:-50501}"
export QUERY_API_HOST="${QUERY_API_HOST:-127.0.0.1}"
export QUERY_API_PORT="${QUERY_API_PORT:-50502}"
# The updater's health and metrics listener (run-cluster.sh gives each updater its own port).
export UPDATER_HTTP_HOST="${UPDATER_HTTP_HOST:-127.0.0.1}"
export UPDATER_HTTP_PORT="${UPDATER_HTTP_PORT:-50503}"
export DYNAMODB_ENDPOINT_URL="${DYNAMODB_ENDPOINT_URL-http://127.0.0.1:4566}"
# The updaters' shard leases: renewed every few seconds, so the local DynamoDB does not keep them.
export LEASE_TABLE_NAME="${LEASE_TABLE_NAME:-leases}"
POSTGRES_PORT="${LOCAL_POSTGRES_PORT:-50504}"
LOCAL_DATABASE_URL="postgresql://postgres@127.0.0.1:${POSTGRES_PORT}/pcqrses"
EXTERNAL_DATABASE="${DATABASE_URL:+1}"
export DATABASE_URL="${DATABASE_URL:-$LOCAL_DATABASE_URL}"
# The data keys' key-encryption key (SPEC §9.2): a file under .run/keys/, made on first use
# (ensure_local_kek), unless KMS wraps them (KMS_KEY_ID) or LOCAL_KEK_FILE names another file.
# Absolute: the services run from the repository root, whatever directory RUN_DIR is relative to.
if [ -z "${KMS_KEY_ID:-}" ]; then
  case "$RUN_DIR" in /*) run_dir_abs="$RUN_DIR" ;; *) run_dir_abs="$PWD/$RUN_DIR" ;; esac
  export LOCAL_KEK_FILE="${LOCAL_KEK_FILE:-$run_dir_abs/keys/key-encryption-key}"
  unset run_dir_abs
fi
# src/ for the apps; the repository root for devstack/ (emulator, launcher, probe, spawn).
export PYTHONPATH="$REPO_ROOT/src:$REPO_ROOT${PYTHONPATH:+:$PYTHONPATH}"
source "$(dirname "${BASH_SOURCE[0]}")/auth.sh"

# --- which services this stack runs itself -------------------------------------------------

dynamodb_is_local() {
  case "$DYNAMODB_ENDPOINT_URL" in
    http://127.0.0.1:* | http://localhost:*) return 0 ;;
    *) return 1 ;;
  esac
}

dynamodb_port() { local rest="${DYNAMODB_ENDPOINT_URL##*:}"; echo "${rest%%/*}"; }

service_port() {
  case "$1" in
    dynamodb) dynamodb_is_local && dynamodb_port || echo "-" ;;
    postgres) [ -z "$EXTERNAL_DATABASE" ] && echo "$POSTGRES_PORT" || echo "-" ;;
    command-api) echo "$COMMAND_API_PORT" ;;
    query-api) echo "$QUERY_API_PORT" ;;
    read-model-updater) echo "$UPDATER_HTTP_PORT" ;;
    *) echo "-" ;;
  esac
}

# --- pids ------------------------------------------------------------------------------------

pid_file() { echo "$PID_DIR/$1.pid"; }

# The pid of a running service we started, or nothing. A pid file whose process is gone, or whose
# pid now belongs to another program, counts as stopped.
running_pid() {
  local file pid
  file="$(pid_file "$1")"
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$REPO_ROOT\|pcqrses\|postgres"; then
    echo "$pid"
  fi
}

# pid_names GLOB: the names of the services with a pid file matching GLOB (e.g. 'command-api-*').
pid_names() {
  local file
  for file in "$PID_DIR"/$1.pid; do
    [ -e "$file" ] && basename "$file" .pid
  done
  return 0
}

# The running processes of run-cluster.sh (numbered nodes and updaters), one name a line.
running_cluster_processes() {
  local name
  for name in $(pid_names 'command-api-*') $(pid_names 'query-api-*') $(pid_names 'read-model-updater-*'); do
    [ -n "$(running_pid "$name")" ] && echo "$name"
  done
  return 0
}

postgres_pid() {
  local file="$RUN_DIR/postgres/data/postmaster.pid"
  [ -f "$file" ] || return 0
  local pid
  pid="$(head -n 1 "$file")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
}

# --- starting --------------------------------------------------------------------------------

fail_with_log() {
  local name="$1" message="$2"
  echo "✗ $name: $message" >&2
  echo "--- last lines of $LOG_DIR/$name.log ---" >&2
  tail -n 30 "$LOG_DIR/$name.log" >&2 2>/dev/null || true
  exit 1
}

# start_process NAME COMMAND...: runs COMMAND detached from this shell, logging to .run/logs/NAME.log.
start_process() {
  local name="$1"
  shift
  mkdir -p "$PID_DIR" "$LOG_DIR"
  if [ -n "$(running_pid "$name")" ]; then
    echo "  $name already running (pid $(running_pid "$name"))"
    return 0
  fi
  echo "==> starting $name"
  record_auth_mode "$name"
  (cd "$REPO_ROOT" && "$VENV_PY" -m devstack.spawn "$LOG_DIR/$name.log" "$(pid_file "$name")" -- "$@")
}

# wait_until NAME SECONDS PROBE-ARGS...: waits until the probe passes, failing with the log's tail
# when the process dies or time runs out.
wait_until() {
  local name="$1" seconds="$2"
  shift 2
  local deadline=$((SECONDS + seconds))
  while ! "$VENV_PY" -m devstack.probe "$@" >/dev/null 2>&1; do
    if [ "$name" != "postgres" ] && [ -z "$(running_pid "$name")" ]; then
      fail_with_log "$name" "the process exited during start-up"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail_with_log "$name" "not healthy after ${seconds}s"
    fi
    sleep 0.3
  done
}

start_dynamodb() {
  if ! dynamodb_is_local; then
    echo "  dynamodb: using ${DYNAMODB_ENDPOINT_URL:-AWS} (not started here)"
    return 0
  fi
  start_process dynamodb "$VENV_PY" -m devstack.local_dynamodb \
    --host 127.0.0.1 --port "$(dynamodb_port)" --data-dir "$RUN_DIR/dynamodb" \
    --volatile-table "$LEASE_TABLE_NAME"
  wait_until dynamodb 120 dynamodb "$DYNAMODB_ENDPOINT_URL"
}

start_postgres() {
  if [ -n "$EXTERNAL_DATABASE" ]; then
    echo "  postgres: using DATABASE_URL (not started here)"
    return 0
  fi
  mkdir -p "$LOG_DIR"
  if [ -n "$(postgres_pid)" ]; then
    echo "  postgres already running (pid $(postgres_pid))"
    return 0
  fi
  echo "==> starting postgres"
  if ! "$VENV_PY" -m devstack.postgres_server start --data-dir "$RUN_DIR/postgres" \
    --port "$POSTGRES_PORT" --database pcqrses --log-file "$LOG_DIR/postgres.log" >>"$LOG_DIR/postgres.log" 2>&1; then
    fail_with_log postgres "could not start PostgreSQL"
  fi
  wait_until postgres 60 tcp "127.0.0.1:$POSTGRES_PORT"
}

# ensure_local_kek: the key-encryption key file, made now if missing (not with KMS_KEY_ID).
ensure_local_kek() {
  [ -z "${KMS_KEY_ID:-}" ] || return 0
  "$VENV_PY" -m devstack.local_keys "$LOCAL_KEK_FILE" || {
    echo "error: could not make the key-encryption key $LOCAL_KEK_FILE" >&2
    exit 1
  }
}

prepare_stores() {
  ensure_local_kek
  echo "==> creating the DynamoDB tables and migrating PostgreSQL"
  "$VENV_PY" -m apps.admin create-tables >>"$LOG_DIR/admin.log" 2>&1 || fail_with_log admin "creating the tables failed"
  "$VENV_PY" -m apps.admin migrate >>"$LOG_DIR/admin.log" 2>&1 || fail_with_log admin "the migrations failed"
}

stack_up() {
  local mode="$1"
  mkdir -p "$PID_DIR" "$LOG_DIR"
  if [ "$mode" = "in-memory" ]; then
    if [ -n "$(running_pid read-model-updater)$(running_pid command-api)" ]; then
      echo "error: the full stack is running; stop it first with ./scripts/run-single.sh down" >&2
      exit 1
    fi
    refuse_other_auth_mode run-single.sh
    start_process in-memory "$VENV_PY" -m apps.in_memory
    wait_until in-memory 60 http "http://$COMMAND_API_HOST:$COMMAND_API_PORT/api/health/ready"
    wait_until in-memory 60 http "http://$QUERY_API_HOST:$QUERY_API_PORT/api/health/ready"
  else
    if [ -n "$(running_pid in-memory)" ]; then
      echo "error: the in-memory stack is running; stop it first with ./scripts/run-single.sh down" >&2
      exit 1
    fi
    if [ -n "$(running_cluster_processes)" ]; then
      echo "error: the cluster is running; stop it first with ./scripts/run-cluster.sh down" >&2
      exit 1
    fi
    refuse_other_auth_mode run-single.sh
    start_dynamodb
    start_postgres
    prepare_stores
    start_process read-model-updater "$VENV_PY" -m apps.read_model_updater
    start_process command-api "$VENV_PY" -m apps.command_api
    start_process query-api "$VENV_PY" -m apps.query_api
    wait_until command-api 60 http "http://$COMMAND_API_HOST:$COMMAND_API_PORT/api/health/ready"
    wait_until query-api 60 http "http://$QUERY_API_HOST:$QUERY_API_PORT/api/health/ready"
    wait_until read-model-updater 60 http "$(updater_url "$UPDATER_HTTP_PORT")/api/health"
  fi
  echo
  echo "Ready ($mode):"
  echo "  Command API  http://$COMMAND_API_HOST:$COMMAND_API_PORT/api/graphql   (playground: /api/playground)"
  echo "  Query API    http://$QUERY_API_HOST:$QUERY_API_PORT/api/graphql   (playground: /api/playground)"
  [ "$mode" = "in-memory" ] || echo "  Updater      $(updater_url "$UPDATER_HTTP_PORT")/api/health   (its lag: ./scripts/run-single.sh status)"
  echo "  Metrics      /metrics on each of them (Prometheus text format)"
  echo "  Logs         ./scripts/run-single.sh logs [service] [-f]   (files in .run/logs/)"
  print_auth_hint run-single.sh
}

# --- status and logs -------------------------------------------------------------------------

# updater_url PORT: where an updater's health routes and /metrics are.
updater_url() { echo "http://$UPDATER_HTTP_HOST:$1"; }

# updater_lag_column PORT: the lag of the updater listening on PORT (its most lagging shard).
updater_lag_column() {
  local lag
  if ! lag="$("$VENV_PY" -m devstack.metric "$(updater_url "$1")/metrics" updater_lag_seconds 2>/dev/null)"; then
    echo "lag: unknown (no answer on its port)"
  elif [ -z "$lag" ]; then
    echo "lag: - (reads no shard)"
  else
    echo "lag: $lag s"
  fi
}

stack_status() {
  local name pid state extra
  local in_memory_pid
  in_memory_pid="$(running_pid in-memory)"
  for name in "${SERVICES[@]}"; do
    extra=""
    case "$name" in
      postgres) pid="$(postgres_pid)" ;;
      command-api | query-api)
        pid="${in_memory_pid:-$(running_pid "$name")}"
        if [ -n "$in_memory_pid" ]; then
          extra="$(auth_status_column in-memory)"
        elif [ -n "$pid" ]; then
          extra="$(auth_status_column "$name")"
        fi
        ;;
      read-model-updater)
        pid="$(running_pid "$name")"
        [ -z "$pid" ] || extra="$(updater_lag_column "$UPDATER_HTTP_PORT")"
        ;;
      *) pid="$(running_pid "$name")" ;;
    esac
    if [ -n "$pid" ]; then state="running"; else state="stopped"; pid="-"; fi
    if [ "$name" = "dynamodb" ] && ! dynamodb_is_local; then state="external"; fi
    if [ "$name" = "postgres" ] && [ -n "$EXTERNAL_DATABASE" ]; then state="external"; fi
    if [ -n "$in_memory_pid" ] && [ "$state" = "running" ] && [[ "$name" == *-api ]]; then
      state="running (in-memory)"
    fi
    if [ -n "$extra" ]; then
      printf '%-20s %-22s pid %-8s port %-6s %s\n' "$name" "$state" "$pid" "$(service_port "$name")" "$extra"
    else
      printf '%-20s %-22s pid %-8s port %s\n' "$name" "$state" "$pid" "$(service_port "$name")"
    fi
  done
}

stack_logs() {
  local service="" follow=0 arg
  for arg in "$@"; do
    case "$arg" in
      -f | --follow) follow=1 ;;
      *) service="$arg" ;;
    esac
  done
  local files=()
  if [ -n "$service" ]; then
    [ -f "$LOG_DIR/$service.log" ] || { echo "no log for '$service' in $LOG_DIR" >&2; exit 1; }
    files=("$LOG_DIR/$service.log")
  else
    shopt -s nullglob
    files=("$LOG_DIR"/*.log)
    [ ${#files[@]} -gt 0 ] || { echo "no logs yet in $LOG_DIR" >&2; exit 1; }
  fi
  if [ "$follow" -eq 1 ]; then tail -n 50 -F "${files[@]}"; else tail -n 200 "${files[@]}"; fi
}

# --- operator commands -----------------------------------------------------------------------

# stack_admin ARGS...: python -m apps.admin ARGS against this stack's DynamoDB and PostgreSQL,
# which must be running (when they are this stack's own); its exit status is the command's.
stack_admin() {
  if dynamodb_is_local && [ -z "$(running_pid dynamodb)" ]; then
    echo "error: the local DynamoDB is not running; start the stack first (up)" >&2
    exit 1
  fi
  if [ -z "$EXTERNAL_DATABASE" ] && [ -z "$(postgres_pid)" ]; then
    echo "error: the local PostgreSQL is not running; start the stack first (up)" >&2
    exit 1
  fi
  cd "$REPO_ROOT"
  # Readable log lines for a person at a terminal; LOG_FORMAT=json still wins.
  LOG_FORMAT="${LOG_FORMAT:-console}" exec "$VENV_PY" -m apps.admin "$@"
}

# --- stopping --------------------------------------------------------------------------------

stop_process() { stop_processes "$1"; }

# stop_processes NAME...: SIGTERM to each running one at once, then waits for each (SIGKILL
# after 15 s), so that many API nodes stop in the time of one.
stop_processes() {
  local name pid
  local names=() pids=()
  for name in "$@"; do
    pid="$(running_pid "$name")"
    if [ -z "$pid" ]; then
      rm -f "$(pid_file "$name")" "$(auth_file "$name")"
      continue
    fi
    echo "==> stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    names+=("$name")
    pids+=("$pid")
  done
  local deadline=$((SECONDS + 15)) i
  for i in "${!pids[@]}"; do
    while kill -0 "${pids[$i]}" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
      sleep 0.1
    done
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "  ${names[$i]} did not stop in 15 s; killing it"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    fi
    rm -f "$(pid_file "${names[$i]}")" "$(auth_file "${names[$i]}")"
  done
}

# pg_ctl runs as the server's user: when that user can no longer reach the data directory (a
# parent made private since the start, as pytest does to its temporary root), it reports the
# server as stopped and leaves it running. Then stop the postmaster by signal: SIGINT is
# PostgreSQL's fast shutdown, what pg_ctl asks for.
stop_leftover_postgres() {
  local pid
  pid="$(postgres_pid)"
  [ -n "$pid" ] || return 0
  echo "  postgres (pid $pid) is still running; sending it a fast shutdown"
  kill -INT "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.1
  done
}

stack_down() {
  local volumes="$1"
  # Both scripts' processes: whichever of them started the stack, either one stops it.
  stop_processes in-memory query-api $(pid_names 'query-api-*') command-api $(pid_names 'command-api-*')
  stop_processes read-model-updater $(pid_names 'read-model-updater-*')
  if [ -n "$(postgres_pid)" ]; then
    echo "==> stopping postgres"
    "$VENV_PY" -m devstack.postgres_server stop --data-dir "$RUN_DIR/postgres" >>"$LOG_DIR/postgres.log" 2>&1 || true
    stop_leftover_postgres
  fi
  stop_process dynamodb
  if [ "$volumes" -eq 1 ]; then
    echo "==> deleting $RUN_DIR (all local data)"
    rm -rf "$RUN_DIR"
  fi
  echo "Stopped."
}
