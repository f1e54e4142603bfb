#!/usr/bin/env bash
# Passkeys with curl alone: register, log in with the identifier, log in usernameless, and a
# Passkey Flex round trip, all against a running emulator and its virtual authenticator.
# Each start response goes to the authenticator as it is; its answer goes to finish as it is.
#
#   tests/curl/passkeys.sh [BASE]     (default http://127.0.0.1:7277, the default app)
set -euo pipefail
BASE=${1:-http://127.0.0.1:7277}
APP=defaultapp00000000000001
AUTH=$BASE/auth/v1/apps/$APP
API=$BASE/api/v1/apps/$APP
KEY=emulator-api-key
EMAIL="curl-$RANDOM$RANDOM@example.com"
post() { curl -sS --fail-with-body -X POST "$@"; }

post "$BASE/_emulator/authenticators" -d '{"id": "curl-phone"}' >/dev/null
DEVICE=$BASE/_emulator/authenticators/curl-phone

start=$(post "$AUTH/register/webauthn/start" -d "{\"identifier\": \"$EMAIL\"}")
finish=$(post "$DEVICE/register" -d "$start")
post "$AUTH/register/webauthn/finish" -d "$finish" | grep -q '"auth_token"'
echo "registered $EMAIL with a passkey"

start=$(post "$AUTH/login/webauthn/start" -d "{\"identifier\": \"$EMAIL\"}")
finish=$(post "$DEVICE/login" -d "$start")
post "$AUTH/login/webauthn/finish" -d "$finish" | grep -q '"auth_token"'
echo "logged in with the identifier"

start=$(post "$AUTH/login/webauthn/start" -d '{}')
finish=$(post "$DEVICE/login" -d "$start")
post "$AUTH/login/webauthn/finish" -d "$finish" | grep -q '"auth_token"'
echo "logged in usernameless"

# Passkey Flex: the backend's transaction, the browser's ceremony, the backend's nonce check.
tx=$(post "$API/transactions/register" -H "Authorization: Bearer $KEY" \
    -d "{\"external_id\": \"$EMAIL\", \"passkey_display_name\": \"$EMAIL\"}")
start=$(post "$AUTH/register/transactions/webauthn/start" -d "$tx")
finish=$(post "$DEVICE/register" -d "$start")
nonce=$(post "$AUTH/register/transactions/webauthn/finish" -d "$finish")
post "$API/authenticate/verify" -H "Authorization: Bearer $KEY" -d "$nonce" | grep -q "\"external_id\":\"$EMAIL\""
echo "registered a Passkey Flex user and verified the nonce"

curl -sS --fail-with-body -X DELETE "$DEVICE" >/dev/null
echo "ok"
