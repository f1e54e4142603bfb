#!/usr/bin/env python3
"""Rehearses a migration off Passage, as docs/MIGRATION.md describes: export the users and their
passkeys from the emulator, then check a login assertion a passkey makes against the exported
public key, with nothing but Python's standard library and `cryptography`, as the next
provider would.

Usage: python3 docs/migration_rehearsal.py [EMULATOR_URL]
against an emulator started with `--fixtures fixtures/passkeys.json` (default URL
http://127.0.0.1:7277). Needs `pip install cryptography`. Exits non-zero if any check fails.
"""

import base64
import hashlib
import json
import struct
import sys
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:7277"
APP = "passkeyapp00000000000001"
EMAIL = "grace@example.com"
AUTHENTICATOR = "fixture-phone"  # the fixture's virtual authenticator holding Grace's passkey


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# 1. The export a team hands its next provider.
export = call("GET", f"/_emulator/export?format=passkeys&app_id={APP}")
app = export["apps"][0]
user = next(u for u in app["users"] if u["email"] == EMAIL)
stored = {p["credential_id"]: p for p in user["passkeys"]}
print(f"exported {len(app['users'])} users of {app['id']} (rp id {app['rp_id']}); "
      f"{EMAIL} has {len(stored)} passkey(s)")

# 2. A login, as a browser would make it: the emulator issues a challenge, the passkey signs.
started = call("POST", f"/auth/v1/apps/{APP}/login/webauthn/start", {"identifier": EMAIL})
options = started["handshake"]["challenge"]["publicKey"]
finish = call("POST", f"/_emulator/authenticators/{AUTHENTICATOR}/login", started)
credential = finish["handshake_response"]
assertion = credential["response"]

# 3. The receiving provider's checks, against the export only.
passkey = stored[credential["id"]]
client_data_bytes = b64url(assertion["clientDataJSON"])
client_data = json.loads(client_data_bytes)
authenticator_data = b64url(assertion["authenticatorData"])
assert client_data["type"] == "webauthn.get", client_data
assert client_data["challenge"] == options["challenge"], "the challenge it was given"
assert client_data["origin"] in app["origins"], client_data["origin"]
assert authenticator_data[:32] == hashlib.sha256(app["rp_id"].encode()).digest(), "rp id hash"
flags = authenticator_data[32]
assert flags & 0x01, "user present"
sign_count = struct.unpack(">I", authenticator_data[33:37])[0]
assert sign_count == 0 or sign_count > passkey["sign_count"], "the counter moved on"
if assertion.get("userHandle"):
    assert assertion["userHandle"] == user["user_handle"], "the user handle names the user"

key = serialization.load_pem_public_key(passkey["public_key_spki_pem"].encode())
signed = authenticator_data + hashlib.sha256(client_data_bytes).digest()
signature = b64url(assertion["signature"])
try:
    if isinstance(key, ec.EllipticCurvePublicKey):
        digest = hashes.SHA384() if passkey["algorithm"] == -35 else hashes.SHA256()
        key.verify(signature, signed, ec.ECDSA(digest))
    elif isinstance(key, ed25519.Ed25519PublicKey):
        key.verify(signature, signed)
    elif isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    else:
        sys.exit(f"unexpected key type {type(key)}")
except InvalidSignature:
    sys.exit("the assertion's signature does not verify against the exported key")
print(f"verified a {passkey['algorithm_name']} assertion of credential {passkey['credential_id']} "
      f"against the exported SPKI key (sign count {passkey['sign_count']} -> {sign_count})")
