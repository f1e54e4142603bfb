"""The official passage-python 3.x SDK, unmodified, against the emulator's Management API."""

import datetime

import pytest
from passageidentity import CreateUserArgs, Passage, PassageError, UpdateUserArgs, UserStatus, WebAuthnType

from conftest import SHOP_APP

ADA = "shopuser0000000000000001"


def test_create_get_update_delete(passage):
    created = passage.user.create(
        CreateUserArgs(email="Grace@Example.com", user_metadata={"plan": "free", "seats": 2})
    )
    assert created.email == "grace@example.com"
    assert created.phone == ""
    assert created.status == UserStatus.ACTIVE
    assert created.user_metadata == {"plan": "free", "seats": 2}
    assert created.webauthn is False and created.webauthn_devices == [] and created.webauthn_types == []
    assert created.recent_events == []
    assert created.last_login_at == datetime.datetime(1, 1, 1, tzinfo=datetime.timezone.utc)
    assert len(created.id) == 24

    assert passage.user.get(created.id) == created
    assert passage.user.get_by_identifier("GRACE@example.com") == created

    updated = passage.user.update(created.id, UpdateUserArgs(phone="+14155550100", user_metadata={"plan": "pro"}))
    assert updated.phone == "+14155550100"
    assert updated.user_metadata == {"plan": "pro", "seats": 2}

    assert passage.user.deactivate(created.id).status == UserStatus.INACTIVE
    assert passage.user.activate(created.id).status == UserStatus.ACTIVE

    passage.user.delete(created.id)
    with pytest.raises(PassageError) as raised:
        passage.user.get(created.id)
    assert (raised.value.status_code, raised.value.error_code, raised.value.message) == (404, "user_not_found", "User not found.")


def test_devices_from_fixtures(passage):
    user = passage.user.get(ADA)
    assert user.webauthn is True
    assert user.webauthn_types == [WebAuthnType.PLATFORM, WebAuthnType.SECURITY_KEY]
    devices = passage.user.list_devices(ADA)
    assert [(d.id, d.friendly_name, d.usage_count) for d in devices] == [
        ("shopdevice00000000000001", "Ada's MacBook", 5),
        ("shopdevice00000000000002", "Fixture passkey", 0),
    ]
    assert devices[0].icons.light is None
    passage.user.revoke_device(ADA, "shopdevice00000000000001")
    assert [d.id for d in passage.user.list_devices(ADA)] == ["shopdevice00000000000002"]
    with pytest.raises(PassageError) as raised:
        passage.user.revoke_device(ADA, "shopdevice00000000000001")
    assert (raised.value.status_code, raised.value.error_code) == (404, "device_not_found")


def test_get_by_identifier_finds_phones_and_reports_missing_users(passage):
    assert passage.user.get_by_identifier("+14155552671").id == "shopuser0000000000000002"
    with pytest.raises(PassageError) as raised:
        passage.user.get_by_identifier("nobody@example.com")
    assert (raised.value.status_code, raised.value.error_code) == (404, "user_not_found")


def test_raw_paginated_list(passage):
    from passageidentity.openapi_client.api.users_api import UsersApi

    page = UsersApi().list_paginated_users(
        SHOP_APP, page=2, limit=1, order_by="created_at:ASC", _headers=passage.user.request_headers
    )
    assert page.total_users == 4 and page.page == 2 and page.limit == 1
    assert [u.id for u in page.users] == ["shopuser0000000000000002"]
    assert page.links.next.href.endswith("page=3&limit=1&created_before=%d&order_by=created_at%%3AASC" % page.created_before)


def test_errors_carry_passage_codes(passage, emulator):
    with pytest.raises(PassageError) as raised:
        passage.user.create(CreateUserArgs(email="ada@example.com"))
    assert (raised.value.status_code, raised.value.error_code, raised.value.message) == (400, "invalid_request", "user: already exists.")

    with pytest.raises(PassageError) as raised:
        passage.user.create(CreateUserArgs(email="x@example.com", user_metadata={"colour": "red"}))
    assert raised.value.error_code == "invalid_request"
    assert "user_metadata.colour: unknown field" in raised.value.message

    wrong_key = Passage(SHOP_APP, "not-the-shop-key")
    with pytest.raises(PassageError) as raised:
        wrong_key.user.get(ADA)
    assert (raised.value.status_code, raised.value.error_code) == (401, "invalid_access_token")

    unknown_app = Passage("noSuchApp000000000000000", "whatever-key")
    with pytest.raises(PassageError) as raised:
        unknown_app.user.get(ADA)
    assert (raised.value.status_code, raised.value.error_code) == (404, "app_not_found")
