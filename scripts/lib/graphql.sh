#!/usr/bin/env bash
# Small helpers for the GraphQL check scripts: POST a query (with a token when the APIs want one),
# read JSON fields, print ✓/✗ lines.
set -euo pipefail

COMMAND_URL="http://${COMMAND_API_HOST:-127.0.0.1}:${COMMAND_API_PORT:-50501}"
QUERY_URL="http://${QUERY_API_HOST:-127.0.0.1}:${QUERY_API_PORT:-50502}"
PASSED=0
FAILED=0
SKIPPED=0

# Authentication (set by auth_setup). Each token is kept in a header file of its own (mode 0600),
# handed to curl as -H @FILE, so that no token appears on a command line (ps shows those).
AUTH_ON=0
LOCAL_TOKENS=0
OWNER=""  # header file of the owner's token: commands and own reads
ADMIN=""  # header file of an admin's token: lists and searches
OTHER=""  # header file of another subject's token (local tokens only)
EXPIRED="" # header file of an expired token (local tokens only)

# gql_as HEADER-FILE URL QUERY [VARIABLES-JSON]: the response body of POST URL/api/graphql, with
# the token of HEADER-FILE (none when empty).
gql_as() {
  local header="$1" url="$2" query="$3" variables="${4:-null}"
  local args=(-sS --max-time 10 -H 'Content-Type: application/json')
  [ -z "$header" ] || args+=(-H "@$header")
  "$VENV_PY" -c 'import json, sys; print(json.dumps({"query": sys.argv[1], "variables": json.loads(sys.argv[2])}))' \
    "$query" "$variables" |
    curl "${args[@]}" --data-binary @- "$url/api/graphql"
}

# gql URL QUERY [VARIABLES-JSON]: as the owner (no token when the APIs want none).
gql() { gql_as "$OWNER" "$@"; }

# gql_admin URL QUERY [VARIABLES-JSON]: as an admin (no token when the APIs want none).
gql_admin() { gql_as "$ADMIN" "$@"; }

# post_status HEADER-FILE URL BODY: the HTTP status of POST URL/api/graphql with BODY as it is.
post_status() {
  local header="$1" url="$2" body="$3"
  local args=(-sS -o /dev/null -w '%{http_code}' --max-time 5 -H 'Content-Type: application/json')
  [ -z "$header" ] || args+=(-H "@$header")
  curl "${args[@]}" --data-binary "$body" "$url/api/graphql" 2>/dev/null || true
}

# unauthenticated HEADER-FILE URL: "<status> <WWW-Authenticate> <extensions.code>" of a POST with
# the token of HEADER-FILE (none when empty).
unauthenticated() {
  local header="$1" url="$2" answer
  local args=(-sS -i --max-time 5 -H 'Content-Type: application/json')
  [ -z "$header" ] || args+=(-H "@$header")
  answer="$(curl "${args[@]}" --data-binary '{"query": "{ __typename }"}' "$url/api/graphql" 2>/dev/null || true)"
  "$VENV_PY" -c '
import json, sys
head, _, body = sys.stdin.read().replace("\r\n", "\n").partition("\n\n")
lines = head.split("\n")
status = lines[0].split(" ")[1] if " " in lines[0] else "000"
challenge = next(
    (line.split(":", 1)[1].strip() for line in lines[1:] if line.lower().startswith("www-authenticate:")),
    "",
)
try:
    code = json.loads(body)["errors"][0]["extensions"]["code"]
except (ValueError, LookupError, TypeError):
    code = ""
print(status, challenge, code)
' <<<"$answer"
}

# new_header NAME TOKEN: a header file for TOKEN (printf is a shell builtin: no command line).
new_header() {
  local file="$TOKEN_DIR/$1"
  printf 'Authorization: Bearer %s\n' "$2" >"$file"
  echo "$file"
}

# local_token OPTIONS...: a token of the local issuer (./scripts/run-single.sh token OPTIONS).
local_token() { "$REPO_ROOT/scripts/run-single.sh" token "$@" 2>/dev/null; }

# auth_setup: tokens when the APIs want them. From E2E_TOKEN / E2E_ADMIN_TOKEN when set (a remote
# stack); else, when an API answers 401 to a POST without a token, from the local issuer (an owner
# of this run, another subject, an admin, an expired token). Off: nothing changes.
auth_setup() {
  local run_dir="${PCQRSES_RUN_DIR:-$REPO_ROOT/.run}"
  if [ -z "${E2E_TOKEN:-}${E2E_ADMIN_TOKEN:-}" ]; then
    local command_status query_status
    command_status="$(post_status "" "$COMMAND_URL" '{"query": "{ __typename }"}')"
    query_status="$(post_status "" "$QUERY_URL" '{"query": "{ __typename }"}')"
    [ "$command_status" = "401" ] || [ "$query_status" = "401" ] || return 0
  fi
  AUTH_ON=1
  TOKEN_DIR="$(umask 077 && mktemp -d)"
  trap 'rm -rf "$TOKEN_DIR"' EXIT
  if [ -n "${E2E_TOKEN:-}${E2E_ADMIN_TOKEN:-}" ]; then
    OWNER="$(new_header owner "${E2E_TOKEN:-$E2E_ADMIN_TOKEN}")"
    [ -z "${E2E_ADMIN_TOKEN:-}" ] || ADMIN="$(new_header admin "$E2E_ADMIN_TOKEN")"
    echo "· authentication on: tokens from E2E_TOKEN${E2E_ADMIN_TOKEN:+ and E2E_ADMIN_TOKEN}"
    return 0
  fi
  if [ ! -f "$run_dir/auth/jwks.json" ]; then
    fail "the APIs answer 401 without a token: set E2E_TOKEN (and E2E_ADMIN_TOKEN) for a remote stack"
    finish || exit 1
  fi
  local run="e2e-$(date +%s%N)"
  LOCAL_TOKENS=1
  OWNER="$(new_header owner "$(local_token --subject "$run-owner")")"
  OTHER="$(new_header other "$(local_token --subject "$run-other")")"
  ADMIN="$(new_header admin "$(local_token --subject "$run-admin" --admin)")"
  EXPIRED="$(new_header expired "$(local_token --subject "$run-owner" --expires-in -3600)")"
  echo "· authentication on: tokens from ./scripts/run-single.sh token (owner, another subject, admin)"
}

# check_refused NAME URL: a POST without a token, and (local tokens) one with an expired token,
# answer 401 as SPEC §8.1 says.
check_refused() {
  local name="$1" url="$2"
  check "$name: a POST without a token → 401 UNAUTHENTICATED" \
    "$(unauthenticated "" "$url")" '401 Bearer realm="pcqrses" UNAUTHENTICATED'
  [ -z "$EXPIRED" ] ||
    check "$name: an expired token → 401 invalid_token" \
      "$(unauthenticated "$EXPIRED" "$url")" '401 Bearer realm="pcqrses", error="invalid_token" UNAUTHENTICATED'
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
skip() { SKIPPED=$((SKIPPED + 1)); echo "· skipped: $*"; }

# admin_available DESCRIPTION: true when admin checks can run (no authentication, or an admin's
# token); else prints DESCRIPTION as skipped.
admin_available() {
  if [ "$AUTH_ON" -eq 0 ] || [ -n "$ADMIN" ]; then return 0; fi
  skip "$1 (needs an admin's token: set E2E_ADMIN_TOKEN)"
  return 1
}

# check DESCRIPTION ACTUAL EXPECTED
check() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (expected '$3', got '$2')"; fi
}

finish() {
  echo
  if [ "$SKIPPED" -gt 0 ]; then
    echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
  else
    echo "$PASSED passed, $FAILED failed"
  fi
  [ "$FAILED" -eq 0 ]
}
