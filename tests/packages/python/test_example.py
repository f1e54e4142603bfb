"""A user's suite: passage-emulator from its wheel (the pytest plugin's fixtures), the official
passage-identity 3.0.2, unmodified, pointed at the emulator through its Configuration and
JWKS client."""

import json
import os
import subprocess
import sys
import sysconfig
import urllib.error
import urllib.request

import jwt
import pytest

import passage_emulator


@pytest.fixture
def sdk(passage):
    from passageidentity.openapi_client.api_client import ApiClient
    from passageidentity.openapi_client.configuration import Configuration

    Configuration.set_default(Configuration(host=passage.management_url))
    ApiClient.set_default(None)
    from passageidentity import Passage

    client = Passage(passage.app_id, passage.api_key)
    client.auth.jwks = jwt.PyJWKClient(f"{passage.auth_url}/apps/{passage.app_id}/.well-known/jwks.json")
    return client


def auth(emu, path, body):
    """The Auth API, as a browser would call it: (status, JSON)."""
    request = urllib.request.Request(
        f"{emu.auth_url}/apps/{emu.app_id}{path}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_the_binary_comes_from_the_wheel():
    assert "PASSAGE_EMULATOR_BINARY" not in os.environ
    assert passage_emulator.find_binary() == os.path.join(
        sysconfig.get_path("scripts"), "passage-emulator"
    )


def test_the_fixture_names_a_running_emulator(passage):
    assert passage.url.startswith("http://127.0.0.1:")
    assert passage.auth_url == passage.url + "/auth/v1"
    assert passage.management_url == passage.url + "/api/v1"
    assert (passage.app_id, passage.api_key) == ("defaultapp00000000000001", "emulator-api-key")
    assert passage.request("GET", "/_emulator/health") == {"status": "ok"}


def test_a_user_signs_in_with_a_passcode_read_from_the_inbox(passage, sdk):
    from passageidentity import CreateUserArgs

    user = sdk.user.create(CreateUserArgs(email="ada@example.com"))
    status, started = auth(passage, "/login/otp", {"identifier": "ada@example.com"})
    assert status == 201
    message = passage.inbox.latest("ada@example.com", wait=5)
    assert message["kind"] == "login_otp" and len(message["otp"]) == 6
    status, activated = auth(passage, "/otp/activate", {"otp": message["otp"], "otp_id": started["otp_id"]})
    assert status == 200
    assert sdk.auth.validate_jwt(activated["auth_result"]["auth_token"]) == user.id
    assert len(passage.inbox.list(to="ada@example.com")) == 1
    assert passage.inbox.clear() == {"deleted": 1}
    assert passage.inbox.latest("ada@example.com") is None


def test_each_test_starts_from_a_reset_emulator(passage):
    assert passage.inbox.list() == []
    status, body = auth(passage, "/register/otp", {"identifier": "ada@example.com"})
    assert status == 201, body  # ada from the test before is gone


def test_a_virtual_authenticator_registers_and_signs_in(passage, sdk):
    assert passage.authenticators.create(id="laptop")["id"] == "laptop"
    _, start = auth(passage, "/register/webauthn/start", {"identifier": "grace@example.com"})
    status, _ = auth(passage, "/register/webauthn/finish", passage.authenticators.register("laptop", start))
    assert status == 201
    _, start = auth(passage, "/login/webauthn/start", {})
    status, result = auth(passage, "/login/webauthn/finish", passage.authenticators.login("laptop", start))
    assert status == 200
    user_id = sdk.auth.validate_jwt(result["auth_result"]["auth_token"])
    assert len(sdk.user.list_devices(user_id)) == 1
    passage.authenticators.delete("laptop")


def test_advancing_the_clock_expires_a_passcode(passage):
    _, started = auth(passage, "/register/otp", {"identifier": "alan@example.com"})
    code = passage.inbox.latest("alan@example.com", wait=5)["otp"]
    assert passage.clock.advance(3600)["offset_seconds"] == 3600
    status, body = auth(passage, "/otp/activate", {"otp": code, "otp_id": started["otp_id"]})
    assert (status, body["code"]) == (400, "invalid_request")
    assert "has expired" in body["error"]
    assert passage.clock.restore()["offset_seconds"] == 0


def test_a_snapshot_is_restored_between_tests_and_the_state_exports(passage):
    status, _ = auth(passage, "/users", {"identifier": "seeded@example.com"})
    assert status == 201
    assert passage.snapshot("seeded")["users"] == 1
    auth(passage, "/users", {"identifier": "extra@example.com"})
    assert passage.restore("seeded")["name"] == "seeded"
    state = passage.export_state(app_id=passage.app_id)
    assert [user["email"] for user in state["apps"][0]["users"]] == ["seeded@example.com"]
    assert passage.export_state(format="passkeys")["format"] == "passkeys"


def test_fixtures_load_through_the_helper(passage):
    passage.load_fixtures({"apps": [{"id": "fixtureapp00000000000001", "api_keys": [{"key": "fixture-api-key-1"}]}]})
    app = passage.request("GET", "/api/v1/apps/fixtureapp00000000000001")
    assert app["app"]["id"] == "fixtureapp00000000000001"


def test_start_takes_fixture_documents():
    document = {"apps": [{"id": "docapp000000000000000001", "api_keys": [{"key": "doc-api-key-0001"}]}]}
    with passage_emulator.start(fixtures=document) as emu:
        assert (emu.app_id, emu.api_key) == ("docapp000000000000000001", "doc-api-key-0001")
    assert subprocess.run(["kill", "-0", str(emu.pid)], stderr=subprocess.DEVNULL).returncode != 0


def test_the_command_and_the_module_run_the_binary():
    version = subprocess.run(["passage-emulator", "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("passage-emulator ")
    status = subprocess.run([sys.executable, "-m", "passage_emulator", "exec", "--", "sh", "-c", "exit 4"],
                            stderr=subprocess.DEVNULL)
    assert status.returncode == 4
