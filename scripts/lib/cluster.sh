#!/usr/bin/env bash
# The local cluster: N Command API and N Query API processes sharing their ports (SO_REUSEPORT)
# and M read-model updaters sharing the stream by shard leases, over one local DynamoDB and one
# PostgreSQL. Sourced by run-cluster.sh after lib/stack.sh, whose pieces it reuses.
set -euo pipefail

MAX_NODES=16
# The API processes share their API port (SO_REUSEPORT), so each serves its metrics on a port of
# its own, and each updater its health and metrics: command-api-N on BASE+N, query-api-N on
# BASE+20+N, read-model-updater-N on BASE+40+N.
CLUSTER_METRICS_PORT_BASE="${CLUSTER_METRICS_PORT_BASE:-50510}"

# own_port NAME: the metrics (or, for an updater, health and metrics) port of a cluster process.
own_port() {
  local number="${1##*-}"
  case "$1" in
    command-api-*) echo $((CLUSTER_METRICS_PORT_BASE + number)) ;;
    query-api-*) echo $((CLUSTER_METRICS_PORT_BASE + 20 + number)) ;;
    read-model-updater-*) echo $((CLUSTER_METRICS_PORT_BASE + 40 + number)) ;;
    *) echo "-" ;;
  esac
}

# log_size NAME: the size of the service's log now, so that a wait reads only what comes after.
log_size() {
  local file="$LOG_DIR/$1.log"
  if [ -f "$file" ]; then wc -c <"$file" | tr -d ' '; else echo 0; fi
}

# wait_for_log NAME OFFSET SECONDS TEXT: waits until the log holds TEXT after byte OFFSET,
# failing with the log's tail when the process dies or time runs out.
wait_for_log() {
  local name="$1" offset="$2" seconds="$3" text="$4"
  local deadline=$((SECONDS + seconds))
  until tail -c "+$((offset + 1))" "$LOG_DIR/$name.log" 2>/dev/null | grep -q -- "$text"; do
    [ -n "$(running_pid "$name")" ] || fail_with_log "$name" "the process exited during start-up"
    [ "$SECONDS" -lt "$deadline" ] || fail_with_log "$name" "not serving after ${seconds}s"
    sleep 0.3
  done
}

# start_nodes COUNT: command-api-1..COUNT and query-api-1..COUNT, then waits until each one
# serves (its log says "listening": one port, so a probe cannot pick the process it reaches).
start_nodes() {
  local count="$1" i name module
  local waiting=()
  for i in $(seq 1 "$count"); do
    for name in "command-api-$i" "query-api-$i"; do
      if [ -n "$(running_pid "$name")" ]; then
        echo "  $name already running (pid $(running_pid "$name"))"
        continue
      fi
      module="apps.${name%-*}"
      waiting+=("$name:$(log_size "$name")")
      REUSE_PORT=1 METRICS_PORT="$(own_port "$name")" start_process "$name" "$VENV_PY" -m "${module//-/_}"
    done
  done
  local entry
  for entry in ${waiting[@]+"${waiting[@]}"}; do
    wait_for_log "${entry%%:*}" "${entry##*:}" 90 "listening"
  done
}

# stop_nodes_above COUNT: stops the nodes numbered above COUNT (`up --nodes` with fewer nodes).
stop_nodes_above() {
  local count="$1" name extra=()
  for name in $(pid_names 'command-api-*') $(pid_names 'query-api-*'); do
    [ "${name##*-}" -gt "$count" ] && extra+=("$name")
  done
  [ ${#extra[@]} -eq 0 ] || stop_processes "${extra[@]}"
}

start_updaters() {
  local count="$1" i extra=() name
  for i in $(seq 1 "$count"); do
    UPDATER_HTTP_PORT="$(own_port "read-model-updater-$i")" \
      start_process "read-model-updater-$i" "$VENV_PY" -m apps.read_model_updater
  done
  for name in $(pid_names 'read-model-updater-*'); do
    [ "${name##*-}" -gt "$count" ] && extra+=("$name")
  done
  [ ${#extra[@]} -eq 0 ] || stop_processes "${extra[@]}"
}

cluster_up() {
  local nodes="$1" updaters="$2"
  mkdir -p "$PID_DIR" "$LOG_DIR"
  if [ -n "$(running_pid in-memory)$(running_pid command-api)$(running_pid query-api)$(running_pid read-model-updater)" ]; then
    echo "error: run-single.sh's stack is running; stop it first with ./scripts/run-single.sh down" >&2
    exit 1
  fi
  refuse_other_auth_mode run-cluster.sh
  start_dynamodb
  start_postgres
  prepare_stores
  start_updaters "$updaters"
  stop_nodes_above "$nodes"
  start_nodes "$nodes"
  wait_until "command-api-1" 60 http "http://$COMMAND_API_HOST:$COMMAND_API_PORT/api/health/ready"
  wait_until "query-api-1" 60 http "http://$QUERY_API_HOST:$QUERY_API_PORT/api/health/ready"
  sleep 0.5
  local i
  for i in $(seq 1 "$updaters"); do
    [ -n "$(running_pid "read-model-updater-$i")" ] || fail_with_log "read-model-updater-$i" "the process exited"
  done
  echo
  echo "Ready (cluster: $nodes Command API + $nodes Query API processes, $updaters updaters):"
  echo "  Command API  http://$COMMAND_API_HOST:$COMMAND_API_PORT/api/graphql   ($nodes processes on one port, SO_REUSEPORT)"
  echo "  Query API    http://$QUERY_API_HOST:$QUERY_API_PORT/api/graphql   ($nodes processes on one port, SO_REUSEPORT)"
  echo "  Status       ./scripts/run-cluster.sh status   (which updater holds the stream's shard leases, each process's metrics port)"
  echo "  Logs         ./scripts/run-cluster.sh logs [service] [-f]   (files in ${RUN_DIR}/logs/)"
  print_auth_hint run-cluster.sh
}

# One line per process: name, state, pid, port; the APIs' lines name their metrics port, the
# updaters' say whether they hold shard leases, and their lag (their port serves their metrics).
cluster_status() {
  local name pid state extra leases=""
  if [ -n "$(running_cluster_processes)" ] && [ -n "$(pid_names 'read-model-updater-*')" ]; then
    leases="$("$VENV_PY" -m apps.read_model_updater.lease_holders 2>/dev/null || echo "?")"
  fi
  local names=(dynamodb postgres)
  names+=($(pid_names 'read-model-updater-*' | sort -t- -k4n))
  names+=($(pid_names 'command-api-*' | sort -t- -k3n) $(pid_names 'query-api-*' | sort -t- -k3n))
  for name in "${names[@]}"; do
    case "$name" in
      postgres) pid="$(postgres_pid)" ;;
      *) pid="$(running_pid "$name")" ;;
    esac
    if [ -n "$pid" ]; then state="running"; else state="stopped"; pid="-"; fi
    if [ "$name" = "dynamodb" ] && ! dynamodb_is_local; then state="external"; fi
    if [ "$name" = "postgres" ] && [ -n "$EXTERNAL_DATABASE" ]; then state="external"; fi
    extra=""
    case "$name" in
      read-model-updater-*)
        [ "$pid" = "-" ] || extra="$(lease_summary "$pid" "$leases")  $(updater_lag_column "$(own_port "$name")")"
        ;;
      command-api-* | query-api-*)
        [ "$pid" = "-" ] || extra="metrics: $(own_port "$name")  $(auth_status_column "$name")"
        ;;
    esac
    printf '%-22s %-10s pid %-8s port %-6s %s\n' "$name" "$state" "$pid" "$(cluster_port "$name")" "$extra"
  done
}

cluster_port() {
  case "$1" in
    command-api-*) echo "$COMMAND_API_PORT" ;;
    query-api-*) echo "$QUERY_API_PORT" ;;
    read-model-updater-*) own_port "$1" ;;
    *) service_port "$1" ;;
  esac
}

# lease_summary PID LEASES: what the updater of PID does, from lease_holders' lines.
lease_summary() {
  local pid="$1" leases="$2" held
  [ "$leases" != "?" ] || { echo "leases: unknown (DynamoDB did not answer)"; return 0; }
  held="$(awk -v pid="$pid" '$2 == pid { n++ } END { print n + 0 }' <<<"$leases")"
  if [ "$held" -gt 0 ]; then echo "reading: holds $held shard lease(s)"; else echo "standing by"; fi
}
