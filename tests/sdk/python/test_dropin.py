"""The official passage-python 3.0.2, unmodified and unconfigured, against the emulator reached
by name over TLS: https://api.passage.id and https://auth.passage.id resolve to 127.0.0.1
(/etc/hosts, as the docker-compose aliases do), the emulator serves TLS on 443 with its local
CA, and Python trusts the CA through SSL_CERT_FILE. Neither the SDK's API client nor its JWKS
client is pointed anywhere: this is what an existing backend does unchanged.

Needs PASSAGE_EMULATOR_DATA_DIR (the CA's folder, made by `passage-emulator ca`), the hosts
line and port 443 (root); a missing piece fails the test, it never skips."""

import json
import os
import socket
import urllib.request

import pytest
from passageidentity import CreateUserArgs, MagicLinkType, MagicLinkWithEmailArgs, Passage, PassageError, UpdateUserArgs, UserStatus

from conftest import start_emulator

APP = "defaultapp00000000000001"
KEY = "emulator-api-key"


@pytest.fixture
def by_name(monkeypatch):
    """The plain-HTTP base of an emulator that also serves TLS on 127.0.0.1:443."""
    data_dir = os.environ.get("PASSAGE_EMULATOR_DATA_DIR")
    if not data_dir or not os.path.exists(os.path.join(data_dir, "ca.pem")):
        pytest.fail("PASSAGE_EMULATOR_DATA_DIR must hold the emulator's CA (passage-emulator ca)")
    for name in ("api.passage.id", "auth.passage.id"):
        if socket.gethostbyname(name) != "127.0.0.1":
            pytest.fail(f"{name} must resolve to 127.0.0.1 (/etc/hosts)")
    monkeypatch.setenv("SSL_CERT_FILE", os.path.join(data_dir, "ca.pem"))
    # Whatever other tests set as the generated client's default goes: Passage's own URL.
    from passageidentity.openapi_client.api_client import ApiClient
    from passageidentity.openapi_client.configuration import Configuration

    Configuration.set_default(None)
    ApiClient.set_default(None)
    process, base = start_emulator("--tls-listen", "127.0.0.1:443")
    yield base
    process.terminate()
    process.wait(timeout=10)


def call(url, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


def test_an_unconfigured_sdk_manages_users_and_validates_tokens(by_name):
    passage = Passage(APP, KEY)
    created = passage.user.create(CreateUserArgs(email="ada@example.com"))
    assert created.status == UserStatus.ACTIVE
    assert passage.user.get(created.id) == created
    assert passage.user.get_by_identifier("ADA@example.com").id == created.id
    assert passage.user.update(created.id, UpdateUserArgs(phone="+14155552671")).phone == "+14155552671"
    assert passage.user.deactivate(created.id).status == UserStatus.INACTIVE
    assert passage.user.activate(created.id).status == UserStatus.ACTIVE
    link = passage.auth.create_magic_link(
        MagicLinkWithEmailArgs(email="ada@example.com", link_type=MagicLinkType.LOGIN, send=False)
    )
    assert "psg_magic_link=" in link.url

    # A passkey user, registered through the emulator's virtual authenticator.
    auth = f"{by_name}/auth/v1/apps/{APP}"
    call(f"{by_name}/_emulator/authenticators", "POST", {"id": "python-phone"})
    start = call(f"{auth}/register/webauthn/start", "POST", {"identifier": "grace@example.com"})
    finish = call(f"{by_name}/_emulator/authenticators/python-phone/register", "POST", start)
    session = call(f"{auth}/register/webauthn/finish", "POST", finish)["auth_result"]

    grace = passage.auth.validate_jwt(session["auth_token"])
    devices = passage.user.list_devices(grace)
    assert len(devices) == 1
    passage.user.revoke_device(grace, devices[0].id)
    assert passage.user.list_devices(grace) == []
    passage.user.revoke_refresh_tokens(grace)

    passage.user.delete(created.id)
    with pytest.raises(PassageError) as raised:
        passage.user.get(created.id)
    assert (raised.value.status_code, raised.value.error_code) == (404, "user_not_found")
