#!/usr/bin/env bash
# Basic GraphQL checks of both APIs against a running stack: schema, validation errors, each query;
# with authentication on, also who may see and change what (SPEC §8.2). Tokens as test-e2e.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
bootstrap_venv >/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/lib/graphql.sh"

code_of() { json_get errors.0.extensions.code; }

auth_setup
if [ "$AUTH_ON" -eq 1 ]; then
  check_refused "Command API" "$COMMAND_URL"
  check_refused "Query API" "$QUERY_URL"
fi

# Schemas
sdl="$(curl -sS --max-time 5 "$COMMAND_URL/api/graphql/schema" || true)"
if grep -q "createUserAccount" <<<"$sdl"; then pass "Command API schema lists createUserAccount"; else fail "Command API schema: $sdl"; fi
sdl="$(curl -sS --max-time 5 "$QUERY_URL/api/graphql/schema" || true)"
if grep -q "searchUserAccounts" <<<"$sdl"; then pass "Query API schema lists searchUserAccounts"; else fail "Query API schema: $sdl"; fi

check "commandApiVersion answers" \
  "$(gql "$COMMAND_URL" '{ commandApiVersion }' | json_get data.commandApiVersion | grep -c . || true)" "1"

# Validation errors
answer="$(gql "$COMMAND_URL" 'mutation { createUserAccount(input: {firstName: "", lastName: "Yamada", emailAddress: "bad"}) { id } }')"
check "create with bad input → VALIDATION_ERROR" "$(echo "$answer" | code_of)" "VALIDATION_ERROR"
check "  … listing every message" "$(echo "$answer" | json_get errors.0.extensions.errors)" '["First name cannot be empty", "Invalid email format"]'
answer="$(gql "$COMMAND_URL" 'mutation { renameUserAccount(input: {userAccountId: "01ARZ3NDEKTSV4RRFFQ69G5FAV", firstName: "A", lastName: "B"}) { id } }')"
check "rename of an unknown account → NOT_FOUND" "$(echo "$answer" | code_of)" "NOT_FOUND"
check "a document that does not parse → GRAPHQL_PARSE_FAILED" "$(gql "$QUERY_URL" '{ getUserAccount(' | code_of)" "GRAPHQL_PARSE_FAILED"
check "an unknown field → GRAPHQL_VALIDATION_FAILED" "$(gql "$QUERY_URL" '{ nope }' | code_of)" "GRAPHQL_VALIDATION_FAILED"
check "a malformed id → VALIDATION_ERROR" "$(gql "$QUERY_URL" '{ getUserAccount(userAccountId: "x") { id } }' | code_of)" "VALIDATION_ERROR"
if admin_available "first out of range → VALIDATION_ERROR"; then
  check "first out of range → VALIDATION_ERROR" "$(gql_admin "$QUERY_URL" '{ getUserAccounts(first: 0) { id } }' | json_get errors.0.message)" "first must be between 1 and 1000"
fi
if admin_available "a one-character search term → VALIDATION_ERROR"; then
  check "a one-character search term → VALIDATION_ERROR" "$(gql_admin "$QUERY_URL" '{ searchUserAccounts(searchTerm: "a") { id } }' | json_get errors.0.message)" "Search term must be at least 2 characters long"
fi
check "a JSON array body → HTTP 400" "$(post_status "$OWNER" "$QUERY_URL" '[1]')" "400"

# Each query, on an account made for this run
suffix="$(date +%s%N)"
id="$(gql "$COMMAND_URL" "mutation { createUserAccount(input: {firstName: \"Hanako\", lastName: \"Graphql$suffix\", emailAddress: \"h$suffix@example.com\"}) { id } }" | json_get data.createUserAccount.id)"
check "createUserAccount returns an id" "${#id}" "26"
FIELDS='id firstName lastName fullName emailAddress createdAt updatedAt version'
found=""
for _ in $(seq 1 "${E2E_MAX_RETRIES:-10}"); do
  found="$(gql "$QUERY_URL" "{ getUserAccount(userAccountId: \"$id\") { $FIELDS } }" | json_get data.getUserAccount.id)"
  [ "$found" = "$id" ] && break
  sleep "${E2E_RETRY_DELAY:-1}"
done
check "getUserAccount" "$found" "$id"
if admin_available "getUserAccounts lists it"; then
  check "getUserAccounts lists it" \
    "$(gql_admin "$QUERY_URL" "{ getUserAccounts(first: 1000) { id } }" | grep -c "$id" || true)" "1"
fi
check "getUserAccountsByIds" \
  "$(gql "$QUERY_URL" "{ getUserAccountsByIds(userAccountIds: [\"$id\", \"$id\"]) { id } }" | json_get data.getUserAccountsByIds.0.id)" "$id"
if admin_available "searchUserAccounts"; then
  check "searchUserAccounts by last name" \
    "$(gql_admin "$QUERY_URL" "{ searchUserAccounts(searchTerm: \"graphql$suffix\") { id } }" | json_get data.searchUserAccounts.0.id)" "$id"
  check "searchUserAccounts by full name" \
    "$(gql_admin "$QUERY_URL" "{ searchUserAccounts(searchTerm: \"hanako graphql$suffix\") { id } }" | json_get data.searchUserAccounts.0.id)" "$id"
fi

# Who may see and change what (SPEC §8.2), with the local issuer's tokens: another subject, an admin.
if [ "$LOCAL_TOKENS" -eq 1 ]; then
  check "another subject's getUserAccount → null" \
    "$(gql_as "$OTHER" "$QUERY_URL" "{ getUserAccount(userAccountId: \"$id\") { id } }" | json_get data)" '{"getUserAccount": null}'
  check "another subject's getUserAccountsByIds leaves it out" \
    "$(gql_as "$OTHER" "$QUERY_URL" "{ getUserAccountsByIds(userAccountIds: [\"$id\"]) { id } }" | json_get data.getUserAccountsByIds)" '[]'
  check "another subject's renameUserAccount → NOT_FOUND" \
    "$(gql_as "$OTHER" "$COMMAND_URL" "mutation { renameUserAccount(input: {userAccountId: \"$id\", firstName: \"X\", lastName: \"Y\"}) { id } }" | code_of)" "NOT_FOUND"
  check "another subject's eraseUserAccount → NOT_FOUND" \
    "$(gql_as "$OTHER" "$COMMAND_URL" "mutation { eraseUserAccount(input: {userAccountId: \"$id\"}) { id } }" | code_of)" "NOT_FOUND"
  check "an admin's getUserAccount sees it" \
    "$(gql_admin "$QUERY_URL" "{ getUserAccount(userAccountId: \"$id\") { id } }" | json_get data.getUserAccount.id)" "$id"
  answer="$(gql "$QUERY_URL" "{ getUserAccounts(first: 10) { id } }")"
  check "getUserAccounts by a non-admin → FORBIDDEN" "$(echo "$answer" | code_of)" "FORBIDDEN"
  check "  … saying why" "$(echo "$answer" | json_get errors.0.message)" "Only administrators may list or search user accounts"
  check "searchUserAccounts by a non-admin → FORBIDDEN" \
    "$(gql "$QUERY_URL" "{ searchUserAccounts(searchTerm: \"graphql$suffix\") { id } }" | code_of)" "FORBIDDEN"
fi
gql "$COMMAND_URL" "mutation { deleteUserAccount(input: {userAccountId: \"$id\"}) { version } }" >/dev/null

# Erasure (SPEC §9.4): by the owner, deleted or not; then the account is gone for every command
# (an admin's erasure: tests/e2e/command_api/test_command_api_erasure.py).
check "eraseUserAccount with a malformed id → VALIDATION_ERROR" \
  "$(gql "$COMMAND_URL" 'mutation { eraseUserAccount(input: {userAccountId: "x"}) { id } }' | code_of)" "VALIDATION_ERROR"
check "eraseUserAccount of an unknown account → NOT_FOUND" \
  "$(gql "$COMMAND_URL" 'mutation { eraseUserAccount(input: {userAccountId: "01ARZ3NDEKTSV4RRFFQ69G5FAV"}) { id } }' | code_of)" "NOT_FOUND"
check "the owner's eraseUserAccount of the deleted account → version 3" \
  "$(gql "$COMMAND_URL" "mutation { eraseUserAccount(input: {userAccountId: \"$id\"}) { id version } }" | json_get data.eraseUserAccount.version)" "3"
check "eraseUserAccount of the erased account → NOT_FOUND" \
  "$(gql "$COMMAND_URL" "mutation { eraseUserAccount(input: {userAccountId: \"$id\"}) { id } }" | code_of)" "NOT_FOUND"
check "renameUserAccount of the erased account → NOT_FOUND" \
  "$(gql "$COMMAND_URL" "mutation { renameUserAccount(input: {userAccountId: \"$id\", firstName: \"X\", lastName: \"Y\"}) { id } }" | code_of)" "NOT_FOUND"

finish
