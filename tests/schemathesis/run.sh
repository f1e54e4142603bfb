#!/usr/bin/env bash
# Fuzzes a running emulator through its OpenAPI document with schemathesis.
# Usage: tests/schemathesis/run.sh BASE_URL [st options...]
# Needs `st` (pip install schemathesis), curl and python3 on PATH; PASSAGE_APP_ID and PASSAGE_EMULATOR_ADMIN_KEY
# default to the built-in app and key.
set -euo pipefail
base=${1:?usage: run.sh BASE_URL [st options...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
export PASSAGE_APP_ID=${PASSAGE_APP_ID:-defaultapp00000000000001}
export PASSAGE_EMULATOR_ADMIN_KEY=${PASSAGE_EMULATOR_ADMIN_KEY:-emulator-admin-key}
# A signed-in user, so the current-user operations get past the token check: made through the
# Management API, signed in through the console's "sign in as".
# json_field KEY...: the member at that path of the JSON on stdin.
json_field() {
    python3 -c 'import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1:]:
    value = value[key]
print(value)' "$@"
}
user_id=$(curl -sf -X POST "$base/api/v1/apps/$PASSAGE_APP_ID/users" \
    -H "Authorization: Bearer $PASSAGE_EMULATOR_ADMIN_KEY" -H 'Content-Type: application/json' \
    -d '{"email": "fuzz@example.com"}' | json_field user id)
PASSAGE_AUTH_TOKEN=$(curl -sf -X POST "$base/_emulator/apps/$PASSAGE_APP_ID/users/$user_id/sign-in" \
    | json_field auth_result auth_token)
export PASSAGE_AUTH_TOKEN
st --config-file "$here/schemathesis.toml" run "$base/_emulator/openapi.json" --url "$base" \
    --no-color "$@"
