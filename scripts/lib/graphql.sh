#!/usr/bin/env bash
# Small helpers for the GraphQL check scripts: POST a query, read JSON fields, print ✓/✗ lines.
set -euo pipefail

COMMAND_URL="http://${COMMAND_API_HOST:-127.0.0.1}:${COMMAND_API_PORT:-50501}"
QUERY_URL="http://${QUERY_API_HOST:-127.0.0.1}:${QUERY_API_PORT:-50502}"
PASSED=0
FAILED=0

# gql URL QUERY [VARIABLES-JSON]: prints the response body of POST URL/api/graphql.
gql() {
  local url="$1" query="$2" variables="${3:-null}"
  "$VENV_PY" -c 'import json, sys; print(json.dumps({"query": sys.argv[1], "variables": json.loads(sys.argv[2])}))' \
    "$query" "$variables" |
    curl -sS --max-time 10 -H 'Content-Type: application/json' --data-binary @- "$url/api/graphql"
}

# json_get PATH: reads JSON on stdin and prints the value at a dotted PATH (e.g. data.x.id), or "".
json_get() {
  "$VENV_PY" -c '
import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1].split("."):
    if isinstance(value, list) and key.isdigit() and int(key) < len(value):
        value = value[int(key)]
    elif isinstance(value, dict) and key in value:
        value = value[key]
    else:
        value = None
        break
print("" if value is None else (value if isinstance(value, str) else json.dumps(value)))
' "$1"
}

pass() { PASSED=$((PASSED + 1)); echo "✓ $*"; }
fail() { FAILED=$((FAILED + 1)); echo "✗ $*"; }

# check DESCRIPTION ACTUAL EXPECTED
check() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (expected '$3', got '$2')"; fi
}

finish() {
  echo
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}
