#!/usr/bin/env bash
# The full flow against a running stack: health, create, wait for the read model, rename, delete,
# erase (then every command on the account is NOT_FOUND).
# Env: E2E_MAX_RETRIES (10), E2E_RETRY_DELAY (1 s), E2E_WAIT_AFTER_CREATE (0 s), COMMAND_API_HOST,
# QUERY_API_HOST, COMMAND_API_PORT, QUERY_API_PORT; E2E_TOKEN (and E2E_ADMIN_TOKEN) for a stack
# that wants tokens from another issuer (else, when the APIs answer 401, tokens of the local
# issuer: ./scripts/run-single.sh token). Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
bootstrap_venv >/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/lib/graphql.sh"

MAX_RETRIES="${E2E_MAX_RETRIES:-10}"
RETRY_DELAY="${E2E_RETRY_DELAY:-1}"
WAIT_AFTER_CREATE="${E2E_WAIT_AFTER_CREATE:-0}"

for api in "Command API:$COMMAND_URL" "Query API:$QUERY_URL"; do
  name="${api%%:*}"
  url="${api#*:}"
  status="$(curl -sS --max-time 5 "$url/api/health" 2>/dev/null | json_get status || true)"
  check "$name is healthy ($url/api/health)" "$status" "healthy"
  ready="$(curl -sS --max-time 5 "$url/api/health/ready" 2>/dev/null | json_get status || true)"
  check "$name is ready ($url/api/health/ready)" "$ready" "ready"
done
[ "$FAILED" -eq 0 ] || { finish || exit 1; }

auth_setup
if [ "$AUTH_ON" -eq 1 ]; then
  check_refused "Command API" "$COMMAND_URL"
  check_refused "Query API" "$QUERY_URL"
fi

GET_QUERY='query($id: String!) { getUserAccount(userAccountId: $id) { id firstName lastName fullName emailAddress version } }'

# wait_for_account ID JQ-PATH EXPECTED: polls the Query API until the field has the expected value.
wait_for_account() {
  local id="$1" path="$2" expected="$3" attempt value=""
  for attempt in $(seq 1 "$MAX_RETRIES"); do
    value="$(gql "$QUERY_URL" "$GET_QUERY" "{\"id\": \"$id\"}" | json_get "$path")"
    [ "$value" = "$expected" ] && { echo "$attempt"; return 0; }
    sleep "$RETRY_DELAY"
  done
  echo "never (last: '$value')"
  return 1
}

suffix="$(date +%s%N)"
created="$(gql "$COMMAND_URL" 'mutation($input: CreateUserAccountInput!) { createUserAccount(input: $input) { id version } }' \
  "{\"input\": {\"firstName\": \"Taro\", \"lastName\": \"Yamada\", \"emailAddress\": \"taro.$suffix@example.com\"}}")"
id="$(echo "$created" | json_get data.createUserAccount.id)"
version="$(echo "$created" | json_get data.createUserAccount.version)"
if [ -n "$id" ] && [ "$version" = "1" ]; then pass "createUserAccount → id $id, version 1"; else fail "createUserAccount: $created"; finish; exit 1; fi

sleep "$WAIT_AFTER_CREATE"
if tries="$(wait_for_account "$id" data.getUserAccount.fullName "Taro Yamada")"; then
  pass "getUserAccount finds the new account (attempt $tries)"
else
  fail "getUserAccount never returned the account: $tries"
fi

renamed="$(gql "$COMMAND_URL" 'mutation($input: RenameUserAccountInput!) { renameUserAccount(input: $input) { id version } }' \
  "{\"input\": {\"userAccountId\": \"$id\", \"firstName\": \"Jiro\", \"lastName\": \"Suzuki\"}}")"
check "renameUserAccount → version 2" "$(echo "$renamed" | json_get data.renameUserAccount.version)" "2"
if tries="$(wait_for_account "$id" data.getUserAccount.fullName "Jiro Suzuki")"; then
  pass "getUserAccount shows the new name (attempt $tries)"
else
  fail "the new name never appeared: $tries"
fi

deleted="$(gql "$COMMAND_URL" 'mutation($input: DeleteUserAccountInput!) { deleteUserAccount(input: $input) { id version } }' \
  "{\"input\": {\"userAccountId\": \"$id\"}}")"
check "deleteUserAccount → version 3" "$(echo "$deleted" | json_get data.deleteUserAccount.version)" "3"
if tries="$(wait_for_account "$id" data '{"getUserAccount": null}')"; then
  pass "getUserAccount returns null once deleted (attempt $tries)"
else
  fail "the deleted account is still returned: $tries"
fi

erased="$(gql "$COMMAND_URL" 'mutation($input: EraseUserAccountInput!) { eraseUserAccount(input: $input) { id version } }' \
  "{\"input\": {\"userAccountId\": \"$id\"}}")"
check "eraseUserAccount of the deleted account → version 4" "$(echo "$erased" | json_get data.eraseUserAccount.version)" "4"
for mutation in \
  "renameUserAccount(input: {userAccountId: \"$id\", firstName: \"Saburo\", lastName: \"Sato\"})" \
  "deleteUserAccount(input: {userAccountId: \"$id\"})" \
  "eraseUserAccount(input: {userAccountId: \"$id\"})"; do
  check "${mutation%%(*} of the erased account → NOT_FOUND" \
    "$(gql "$COMMAND_URL" "mutation { $mutation { id version } }" | json_get errors.0.extensions.code)" "NOT_FOUND"
done
check "getUserAccount of the erased account → null" \
  "$(gql "$QUERY_URL" "$GET_QUERY" "{\"id\": \"$id\"}" | json_get data)" '{"getUserAccount": null}'

finish
