#!/usr/bin/env bash
# Social login and hosted login with curl alone (python3 for PKCE and URL parsing), against a
# running emulator: a Google sign-in answered by a queued identity, then the hosted login's
# authorization code flow completed with a one-time passcode from the inbox.
#
#   tests/curl/social.sh [BASE]     (default http://127.0.0.1:7277, the default app)
set -euo pipefail
BASE=${1:-http://127.0.0.1:7277}
APP=defaultapp00000000000001
AUTH=$BASE/auth/v1/apps/$APP
CALLBACK=http://localhost:3000/callback
EMAIL="curl-$RANDOM$RANDOM@example.com"
post() { curl -sS --fail-with-body -X POST "$@"; }
# The Location of a 302, or the failure.
location() { curl -sS --fail-with-body -o /dev/null -w '%{redirect_url}' "$@"; }
param() { python3 -c 'import sys, urllib.parse as u; print(u.parse_qs(u.urlsplit(sys.argv[1]).query)[sys.argv[2]][0])' "$1" "$2"; }
json() { python3 -c 'import sys, json; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
enc() { python3 -c 'import sys, urllib.parse as u; print(u.quote(sys.argv[1], safe=""))' "$1"; }
# PKCE as passage-js makes it: 32 random bytes as decimals, and base64url(SHA-256) of that.
verifier=$(python3 -c 'import secrets; print("".join(str(b) for b in secrets.token_bytes(32)))')
challenge=$(python3 -c 'import sys, hashlib, base64; print(base64.urlsafe_b64encode(hashlib.sha256(sys.argv[1].encode()).digest()).decode().rstrip("="))' "$verifier")

# Social: the next Google sign-in of the app is $EMAIL, so no page is shown.
post "$BASE/_emulator/social/next-identity" \
    -d "{\"app_id\": \"$APP\", \"connection_type\": \"google\", \"email\": \"$EMAIL\"}" >/dev/null
provider=$(location "$AUTH/social/authorize?connection_type=google&state=s1&redirect_uri=$(enc $CALLBACK)&code_challenge=$challenge&code_challenge_method=S256")
callback=$(location "$provider")
back=$(location "$callback")
[ "$(param "$back" link_account)" = false ] && [ "$(param "$back" provider_identifier)" = "$EMAIL" ]
curl -sS --fail-with-body "$AUTH/social/token?code=$(param "$back" code)&verifier=$verifier" | grep -q '"auth_token"'
echo "signed in with the Google stand-in as $EMAIL"

# Hosted login: the page's completion URL, a passcode sign-in, the code, the tokens.
complete=$(curl -sS --fail-with-body "$AUTH/authorize?client_id=$APP&redirect_uri=$(enc $CALLBACK)&response_type=code&scope=openid&state=s2&nonce=n2&code_challenge=$challenge&code_challenge_method=S256" \
    | grep -o '"complete":"[^"]*"' | cut -d'"' -f4)
otp_id=$(post "$AUTH/login/otp" -d "{\"identifier\": \"$EMAIL\"}" | json otp_id)
otp=$(curl -sS --fail-with-body "$BASE/_emulator/inbox/latest?to=$EMAIL" | json otp)
token=$(post "$AUTH/otp/activate" -d "{\"otp\": \"$otp\", \"otp_id\": \"$otp_id\"}" \
    | python3 -c 'import sys, json; print(json.load(sys.stdin)["auth_result"]["auth_token"])')
back=$(post "$complete" -d "{\"auth_token\": \"$token\"}" | json redirect_to)
[ "$(param "$back" state)" = s2 ]
post "$AUTH/token" -d grant_type=authorization_code -d "code=$(param "$back" code)" \
    -d "code_verifier=$verifier" -d "client_id=$APP" -d "redirect_uri=$CALLBACK" | grep -q '"id_token"'
echo "hosted login: code exchanged for an ID token"
