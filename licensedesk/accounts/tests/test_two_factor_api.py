"""The API is no way around two-factor authentication: while a company requires it of its
administrators, an administrator who has not set it up (or whose browser session has not
passed it) gets 403 `2fa_required` on every API call, with the session or with a token; and
a new personal token needs a session that passed the second factor."""

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from licensedesk.accounts import tokens
from licensedesk.accounts.models import PersonalAccessToken
from licensedesk.audit.models import AuditEvent


@pytest.fixture
def required(world):
    world.org.require_2fa_for_admins = True
    world.org.save()
    return world


def _session(user, verified_device=None) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    if verified_device is not None:  # what django_otp.login leaves after the code step
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = verified_device.persistent_id
        session.save()
    return client


def _device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def _refused(response) -> bool:
    return response.status_code == 403 and response.json()["code"] == "2fa_required"


def test_an_admin_without_2fa_set_up_is_refused_with_the_session(required):
    client = _session(required.company_admin)
    assert _refused(client.get("/api/v1/licenses"))
    assert _refused(
        client.post("/api/v1/tokens", {"name": "forever"}, content_type="application/json")
    )
    assert _refused(
        client.patch(
            f"/api/v1/users/{required.license_user.pk}",
            {"first_name": "Changed"},
            content_type="application/json",
        )
    )
    assert not PersonalAccessToken.objects.filter(user=required.company_admin).exists()
    required.license_user.refresh_from_db()
    assert required.license_user.first_name != "Changed"


def test_an_admins_older_token_is_refused_until_2fa_is_set_up(world):
    _, secret = tokens.create_token(world.company_admin, "before the rule")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert Client().get("/api/v1/licenses", **bearer).status_code == 200

    world.org.require_2fa_for_admins = True
    world.org.save()
    assert _refused(Client().get("/api/v1/licenses", **bearer))

    _device(world.company_admin)
    assert Client().get("/api/v1/licenses", **bearer).status_code == 200


def test_a_session_that_has_not_passed_the_code_is_refused(required):
    device = _device(required.company_admin)
    assert _refused(_session(required.company_admin).get("/api/v1/licenses"))
    assert _session(required.company_admin, device).get("/api/v1/licenses").status_code == 200


def test_users_the_rule_does_not_cover_use_the_api_as_before(required):
    assert _session(required.license_admin).get("/api/v1/licenses").status_code == 200


def test_a_new_token_needs_a_session_that_passed_the_code(world):
    device = _device(world.license_admin)  # turned on by choice, not required
    unverified = _session(world.license_admin).post(
        "/api/v1/tokens", {"name": "ci"}, content_type="application/json"
    )
    assert _refused(unverified)
    verified = _session(world.license_admin, device).post(
        "/api/v1/tokens", {"name": "ci"}, content_type="application/json"
    )
    assert verified.status_code == 201
    assert PersonalAccessToken.objects.filter(user=world.license_admin).count() == 1


def test_a_token_cannot_mint_tokens_for_a_user_with_2fa(world):
    _device(world.license_admin)
    _, secret = tokens.create_token(world.license_admin, "existing")
    response = Client().post(
        "/api/v1/tokens",
        {"name": "another"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert _refused(response)
    assert PersonalAccessToken.objects.filter(user=world.license_admin).count() == 1


def test_the_web_page_creates_no_token_from_an_unverified_session(world):
    _device(world.license_admin)
    client = _session(world.license_admin)
    page = client.post("/accounts/profile/tokens/", {"name": "web"})
    assert page.status_code == 200
    assert "two-factor code" in page.content.decode()
    assert not PersonalAccessToken.objects.filter(user=world.license_admin).exists()
    assert _refusals_of(world.license_admin) == 1


def _refusals_of(user) -> int:
    return AuditEvent.objects.filter(action="access.denied", actor=user).count()


def test_each_refusal_is_audited_like_any_other(required):
    _session(required.company_admin).get("/api/v1/licenses")
    _, secret = tokens.create_token(required.company_admin, "before the device")
    Client().get("/api/v1/licenses", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert _refusals_of(required.company_admin) == 2
    event = AuditEvent.objects.filter(action="access.denied").first()
    assert event.changes == {"right": "two_factor", "path": "/api/v1/licenses"}
