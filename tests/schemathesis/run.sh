#!/usr/bin/env bash
# Fuzzes a running emulator through its OpenAPI document with schemathesis.
# Usage: tests/schemathesis/run.sh BASE_URL [st options...]
# Needs `st` (pip install schemathesis) on PATH; PASSAGE_APP_ID and PASSAGE_EMULATOR_ADMIN_KEY
# default to the built-in app and key.
set -euo pipefail
base=${1:?usage: run.sh BASE_URL [st options...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
export PASSAGE_APP_ID=${PASSAGE_APP_ID:-defaultapp00000000000001}
export PASSAGE_EMULATOR_ADMIN_KEY=${PASSAGE_EMULATOR_ADMIN_KEY:-emulator-admin-key}
st --config-file "$here/schemathesis.toml" run "$base/_emulator/openapi.json" --url "$base" \
    --no-color "$@"
