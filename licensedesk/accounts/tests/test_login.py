import pytest
from django.conf import settings
from django.test import Client

from conftest import PASSWORD
from licensedesk.audit.models import AuditEvent

URL = "/accounts/login/"


def attempt(client, email, password="wrong password", **extra):
    return client.post(URL, {"email": email, "password": password}, **extra)


def test_it_logs_in_and_redirects_to_the_dashboard(client, world):
    r = attempt(client, "alice@northwind.example", PASSWORD)
    assert r.status_code == 302
    assert r["Location"] == "/"
    assert client.get("/").context["user"] == world.company_admin
    assert AuditEvent.objects.filter(action="login", actor=world.company_admin).exists()


def test_it_accepts_the_email_in_any_case(client, world):
    r = attempt(client, "  Alice@NorthWind.example ", PASSWORD)
    assert r.status_code == 302
    assert client.session["_auth_user_id"] == str(world.company_admin.pk)


def test_it_rotates_the_session_key(client, world):
    client.get(URL)
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    before = session.session_key
    attempt(client, "alice@northwind.example", PASSWORD)
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(world.company_admin.pk)


def test_it_refuses_a_wrong_password_and_audits_it(client, world):
    r = attempt(client, "alice@northwind.example")
    assert r.status_code == 200
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="login.failed")
    assert event.actor_label == "alice@northwind.example"
    assert event.organization == world.org
    assert "wrong password" not in str(event.changes)


def test_it_audits_a_failed_login_for_an_unknown_email(client, world):
    attempt(client, "nobody@nowhere.example")
    event = AuditEvent.objects.get(action="login.failed")
    assert event.actor_label == "nobody@nowhere.example"
    assert event.organization is None


def test_it_refuses_a_deactivated_user(client, world):
    world.license_user.is_active = False
    world.license_user.save()
    r = attempt(client, "lina@northwind.example", PASSWORD)
    assert r.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_user_of_a_deactivated_company(client, world):
    world.org.is_active = False
    world.org.save()
    r = attempt(client, "lina@northwind.example", PASSWORD)
    assert r.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_throttles_an_account_after_five_failures(client, world):
    for _ in range(5):
        assert attempt(client, "alice@northwind.example").status_code == 200
    r = attempt(client, "alice@northwind.example", PASSWORD)  # even the right password
    assert r.status_code == 429
    assert int(r["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login.throttled", organization=world.org).exists()


def test_it_throttles_an_account_from_any_address(world):
    for n in range(5):
        attempt(Client(REMOTE_ADDR=f"10.0.0.{n}"), "alice@northwind.example")
    r = attempt(Client(REMOTE_ADDR="10.0.0.99"), "alice@northwind.example", PASSWORD)
    assert r.status_code == 429


def test_throttling_one_account_leaves_the_others_alone(client, world):
    for _ in range(6):
        attempt(client, "alice@northwind.example")
    r = attempt(client, "lina@northwind.example", PASSWORD)
    assert r.status_code == 302


def test_a_spoofed_forwarded_for_does_not_reset_the_address_limit(world):
    for n in range(30):
        r = attempt(Client(), f"user{n}@nowhere.example", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        assert r.status_code == 200
    r = attempt(Client(), "alice@northwind.example", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert r.status_code == 429
    assert r["Retry-After"]


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "http://evil.example/accounts/"]
)
def test_it_ignores_an_offsite_next(client, world, target):
    r = client.post(
        URL + f"?next={target}",
        {"email": "alice@northwind.example", "password": PASSWORD, "next": target},
    )
    assert r.status_code == 302
    assert r["Location"] == "/"


def test_it_follows_a_local_next(client, world):
    r = client.post(
        URL,
        {"email": "alice@northwind.example", "password": PASSWORD, "next": "/accounts/profile/"},
    )
    assert r["Location"] == "/accounts/profile/"


def test_the_session_cookie_is_httponly_and_samesite(client, world):
    attempt(client, "alice@northwind.example", PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_it_redirects_a_logged_in_user_away(login, world):
    r = login(world.license_user).get(URL)
    assert r.status_code == 302
    assert r["Location"] == "/"
