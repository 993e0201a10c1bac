"""Two-factor authentication (TOTP): a user turns it on, every login then asks for a code,
and a company can require it of its administrators."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from licensedesk.audit.models import AuditEvent

SETUP = "/accounts/profile/two-factor/"


def code_for(device, drift=0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{value:0{device.digits}d}"


def turned_on(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return device


def log_in(client, user):
    return client.post("/accounts/login/", {"email": user.email, "password": PASSWORD})


def test_a_user_turns_it_on_by_scanning_and_confirming_a_code(login, world):
    client = login(world.license_user)
    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html  # the QR code is inline, no remote service
    device = TOTPDevice.objects.get(user=world.license_user, confirmed=False)

    wrong = client.post(SETUP, {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert not TOTPDevice.objects.filter(user=world.license_user, confirmed=True).exists()

    device.refresh_from_db()
    device.throttle_reset()
    right = client.post(SETUP, {"code": code_for(device)})
    assert right.status_code == 302
    assert TOTPDevice.objects.filter(user=world.license_user, confirmed=True).count() == 1
    assert AuditEvent.objects.filter(action="2fa.enable", actor=world.license_user).exists()


def test_a_login_then_asks_for_the_code_before_letting_anyone_in(world):
    device = turned_on(world.license_user)
    client = Client()

    first = log_in(client, world.license_user)
    assert first.status_code == 302 and first["Location"] == "/accounts/login/verify/"
    assert client.get("/").status_code == 302  # not logged in yet

    second = client.post("/accounts/login/verify/", {"code": code_for(device)})
    assert second.status_code == 302
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.filter(action="login", actor=world.license_user).latest("id")
    assert event.changes == {"two_factor": True}


def test_a_wrong_code_lets_nobody_in_and_is_audited(world):
    device = turned_on(world.license_user)
    client = Client()
    log_in(client, world.license_user)
    wrong = "000000" if code_for(device) != "000000" else "111111"

    r = client.post("/accounts/login/verify/", {"code": wrong})

    assert r.status_code == 200
    assert "not right" in r.content.decode()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(
        action="login.failed", actor_label=world.license_user.email
    ).exists()


def test_guessing_codes_is_throttled(world):
    device = turned_on(world.license_user)
    client = Client()
    log_in(client, world.license_user)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    statuses = [
        client.post("/accounts/login/verify/", {"code": wrong}).status_code for _ in range(7)
    ]
    assert statuses[-1] == 429


def test_the_second_step_without_the_first_sends_back_to_log_in(db):
    r = Client().post("/accounts/login/verify/", {"code": "123456"})
    assert r.status_code == 302 and r["Location"] == "/accounts/login/"


def test_a_company_can_require_it_of_its_administrators(login, world):
    world.org.require_2fa_for_admins = True
    world.org.save()

    admin = login(world.company_admin)
    r = admin.get("/licenses/")
    assert r.status_code == 302 and r["Location"] == SETUP
    assert admin.get(SETUP).status_code == 200
    # Users who are not company administrators are not held up.
    assert login(world.license_user).get("/licenses/").status_code == 200

    device = TOTPDevice.objects.get(user=world.company_admin, confirmed=False)
    assert admin.post(SETUP, {"code": code_for(device)}).status_code == 302
    assert admin.get("/licenses/").status_code == 200


def test_it_cannot_be_turned_off_when_the_company_requires_it(login, world):
    device = turned_on(world.company_admin)
    world.org.require_2fa_for_admins = True
    world.org.save()
    admin = login(world.company_admin)
    admin.post(SETUP, {"code": code_for(device)})
    assert TOTPDevice.objects.filter(user=world.company_admin, confirmed=True).exists()


def test_turning_it_off_needs_a_current_code(login, world):
    device = turned_on(world.license_user)
    client = login(world.license_user)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    client.post(SETUP, {"code": wrong})
    assert TOTPDevice.objects.filter(user=world.license_user).exists()
    device.refresh_from_db()
    device.throttle_reset()
    client.post(SETUP, {"code": code_for(device)})
    assert not TOTPDevice.objects.filter(user=world.license_user).exists()
    assert AuditEvent.objects.filter(action="2fa.disable", actor=world.license_user).exists()


@pytest.mark.parametrize("who", ["license_admin", "license_user", "no_role"])
def test_only_company_administrators_change_company_settings(login, world, who):
    r = login(getattr(world, who)).post("/accounts/company/", {"name": "Hijacked", "country": "XX"})
    assert r.status_code == 403
    world.org.refresh_from_db()
    assert world.org.name == "Northwind Security"


def test_a_company_administrator_changes_the_company_settings(login, world):
    r = login(world.company_admin).post(
        "/accounts/company/",
        {"name": "Northwind Security A/S", "country": "Denmark", "require_2fa_for_admins": "on"},
    )
    assert r.status_code == 302
    world.org.refresh_from_db()
    assert (world.org.name, world.org.require_2fa_for_admins) == ("Northwind Security A/S", True)
    event = AuditEvent.objects.get(action="company.update")
    assert event.changes["require_2fa_for_admins"] == [False, True]
