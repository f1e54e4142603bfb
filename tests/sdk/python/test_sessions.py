"""The official passage-python 3.x SDK's magic links, refresh-token revocation and JWT
validation against the emulator (the SDK's JWKS client pointed at the emulator, as the
README explains)."""

import json
import urllib.request

import jwt
import pytest
from passageidentity import (
    MagicLinkChannel,
    MagicLinkLanguage,
    MagicLinkOptions,
    MagicLinkType,
    MagicLinkWithEmailArgs,
    MagicLinkWithUserArgs,
    PassageError,
)

from conftest import SHOP_APP

ADA = "shopuser0000000000000001"


def call(url, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


def test_a_magic_link_gives_a_token_the_sdk_validates(passage, emulator):
    link = passage.auth.create_magic_link(
        MagicLinkWithEmailArgs(email="grace@example.com", link_type=MagicLinkType.LOGIN, send=False),
        MagicLinkOptions(language=MagicLinkLanguage.DE, magic_link_path="/magic", redirect_url="/done", ttl=12),
    )
    assert link.activated is False and link.ttl == 12 and link.redirect_url == "/done"
    assert link.url == f"https://shop.example/magic?psg_magic_link={link.secret}"
    assert link.identifier == "grace@example.com"

    auth = f"{emulator}/auth/v1/apps/{SHOP_APP}"
    result = call(f"{auth}/magic-link/activate", "PATCH", {"magic_link": link.secret})["auth_result"]
    assert result["redirect_url"] == "/done"

    passage.auth.jwks = jwt.PyJWKClient(f"{auth}/.well-known/jwks.json")
    assert passage.auth.validate_jwt(result["auth_token"]) == link.user_id
    with pytest.raises(jwt.InvalidTokenError):
        passage.auth.validate_jwt(result["auth_token"][:-4] + "AAAA")


def test_links_by_user_id_are_sent_to_the_inbox(passage, emulator):
    link = passage.auth.create_magic_link(
        MagicLinkWithUserArgs(user_id=ADA, channel=MagicLinkChannel.EMAIL, link_type=MagicLinkType.VERIFY_IDENTIFIER, send=True)
    )
    message = call(f"{emulator}/_emulator/inbox/latest?to=ada@example.com")
    assert message["kind"] == "verify_identifier"
    assert message["magic_link"] == link.url
    assert "psg_verify_link=" in link.url


def test_revoking_refresh_tokens_and_unknown_users(passage, emulator):
    auth = f"{emulator}/auth/v1/apps/{SHOP_APP}"
    started = call(f"{auth}/login/otp", "POST", {"identifier": "ada@example.com"})
    code = call(f"{emulator}/_emulator/inbox/latest?to=ada@example.com")["otp"]
    result = call(f"{auth}/otp/activate", "POST", {"otp": code, "otp_id": started["otp_id"]})["auth_result"]
    passage.user.revoke_refresh_tokens(ADA)
    with pytest.raises(urllib.error.HTTPError) as refused:
        call(f"{auth}/tokens", "POST", {"refresh_token": result["refresh_token"]})
    assert refused.value.code == 401
    assert json.loads(refused.value.read())["code"] == "invalid_refresh_token"
    with pytest.raises(PassageError) as raised:
        passage.user.revoke_refresh_tokens("noSuchUser00000000000000")
    assert (raised.value.status_code, raised.value.error_code) == (404, "user_not_found")
