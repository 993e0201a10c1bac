import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from licensedesk.accounts.tests.test_two_factor import code_for
from licensedesk.audit.models import AuditEvent


@pytest.fixture
def device(world) -> TOTPDevice:
    """The staff member's authenticator, set up under Profile in the app."""
    return TOTPDevice.objects.create(user=world.staff, name="app", confirmed=True)


def admin_login(email, password=PASSWORD, code="") -> Client:
    client = Client()
    client.post(
        "/backoffice/login/?next=/backoffice/",
        {"username": email, "password": password, "otp_token": code, "next": "/backoffice/"},
    )
    return client


def test_staff_log_into_the_back_office_with_password_and_code(world, device):
    client = admin_login("staff@vendor.example", code=code_for(device))
    r = client.get("/backoffice/")
    assert r.status_code == 200
    assert r.context["user"] == world.staff


def test_a_partner_company_admin_cannot_log_into_the_back_office(world):
    client = admin_login("alice@northwind.example")
    r = client.get("/backoffice/")
    assert r.status_code == 302
    assert r["Location"].startswith("/backoffice/login/")


def test_a_partner_user_logged_into_the_app_is_kept_out(login, world):
    client = login(world.company_admin)
    r = client.get("/backoffice/accounts/user/")
    assert r.status_code == 302
    assert r["Location"].startswith("/backoffice/login/")
    assert b"alice@northwind.example" not in client.get("/backoffice/").content


def test_the_back_office_needs_a_login(db):
    r = Client().get("/backoffice/")
    assert r.status_code == 302
    assert r["Location"].startswith("/backoffice/login/")


def test_failed_back_office_logins_are_throttled_per_account(world, device):
    for _ in range(5):
        admin_login("staff@vendor.example", "wrong password")
    client = admin_login("staff@vendor.example", code=code_for(device))  # right, too late
    assert client.get("/backoffice/").status_code == 302
    assert AuditEvent.objects.filter(action="login.throttled").exists()


def test_the_back_office_shares_the_limit_with_the_app_login(world, device):
    for _ in range(5):
        Client().post("/accounts/login/", {"email": "staff@vendor.example", "password": "nope"})
    client = admin_login("staff@vendor.example", code=code_for(device))
    assert client.get("/backoffice/").status_code == 302


def test_back_office_logins_are_audited(world, device):
    admin_login("staff@vendor.example", "wrong password")
    admin_login("alice@northwind.example")  # right password, but no staff member
    admin_login("staff@vendor.example", code=code_for(device))
    failed = AuditEvent.objects.filter(action="login.failed")
    assert sorted(failed.values_list("actor_label", flat=True)) == [
        "alice@northwind.example",
        "staff@vendor.example",
    ]
    assert AuditEvent.objects.filter(action="login", actor=world.staff).exists()
    assert PASSWORD not in str(list(failed.values_list("changes", flat=True)))


def test_the_password_alone_does_not_open_the_back_office(world, device):
    assert admin_login("staff@vendor.example").get("/backoffice/").status_code == 302
    wrong = "000000" if code_for(device) != "000000" else "111111"
    client = admin_login("staff@vendor.example", code=wrong)
    assert client.get("/backoffice/").status_code == 302


def test_staff_without_two_factor_are_told_to_set_it_up(world):
    client = Client()
    page = client.post(
        "/backoffice/login/?next=/backoffice/",
        {"username": "staff@vendor.example", "password": PASSWORD, "otp_token": "123456"},
    )
    assert "set it up under Profile" in page.content.decode()
    assert client.get("/backoffice/").status_code == 302


def test_an_app_session_without_the_second_factor_is_kept_out(login, world, device):
    client = login(world.staff)  # a password-only session, e.g. from before 2FA was set up
    r = client.get("/backoffice/accounts/user/")
    assert r.status_code == 302
    assert r["Location"].startswith("/backoffice/login/")


def test_wrong_codes_use_up_the_account_limit(world, device):
    for _ in range(5):
        admin_login("staff@vendor.example", code="000000" if code_for(device) != "000000" else "1")
    client = admin_login("staff@vendor.example", code=code_for(device))
    assert client.get("/backoffice/").status_code == 302


def test_staff_are_warned_when_no_worker_has_run_for_two_minutes(backoffice, world):
    from datetime import timedelta

    from django.utils import timezone

    from licensedesk.outbox.models import WorkerHeartbeat

    client = backoffice(world.staff)
    assert "No background worker has ever run" in client.get("/backoffice/").content.decode()
    beat = WorkerHeartbeat.objects.create(worker="host:1", beat_at=timezone.now())
    assert "No background worker" not in client.get("/backoffice/").content.decode()
    beat.beat_at = timezone.now() - timedelta(minutes=5)
    beat.save()
    assert "for 5 minutes" in client.get("/backoffice/").content.decode()
