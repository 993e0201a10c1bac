from django.test import Client

from conftest import PASSWORD
from licensedesk.accounts.models import PersonalAccessToken
from licensedesk.audit.models import AuditEvent

URL = "/accounts/profile/password/"
NEW = "my second favourite passphrase"


def change(client, current=PASSWORD, new=NEW, again=None):
    return client.post(
        URL, {"current_password": current, "password": new, "password_again": again or new}
    )


def logged_in(email=None, password=PASSWORD) -> Client:
    client = Client()
    r = client.post("/accounts/login/", {"email": email, "password": password})
    assert r.status_code == 302
    return client


def test_it_changes_the_password(world):
    client = logged_in("lina@northwind.example")
    r = change(client)
    assert r.status_code == 302
    world.license_user.refresh_from_db()
    assert world.license_user.check_password(NEW)
    assert AuditEvent.objects.filter(action="password.change", actor=world.license_user).exists()


def test_it_keeps_the_current_session_and_kills_the_others(world):
    here = logged_in("lina@northwind.example")
    elsewhere = logged_in("lina@northwind.example")
    change(here)
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302


def test_it_revokes_every_token(world, api):
    token = api(world.license_user)
    change(logged_in("lina@northwind.example"))
    assert token.get("/api/v1/me").status_code == 401
    assert not PersonalAccessToken.objects.filter(
        user=world.license_user, revoked_at__isnull=True
    ).exists()


def test_it_leaves_other_users_alone(world, api):
    token = api(world.license_admin)
    other = logged_in("lars@northwind.example")
    change(logged_in("lina@northwind.example"))
    assert token.get("/api/v1/me").status_code == 200
    assert other.get("/").status_code == 200


def test_it_needs_the_current_password(world, api):
    token = api(world.license_user)
    client = logged_in("lina@northwind.example")
    r = change(client, current="not my password")
    assert r.status_code == 200
    assert r.context["form"].errors["current_password"]
    world.license_user.refresh_from_db()
    assert world.license_user.check_password(PASSWORD)
    assert token.get("/api/v1/me").status_code == 200


def test_it_refuses_a_weak_password(world):
    r = change(logged_in("lina@northwind.example"), new="lina12345")
    assert r.status_code == 200
    world.license_user.refresh_from_db()
    assert world.license_user.check_password(PASSWORD)


def test_it_refuses_differing_passwords(world):
    r = change(logged_in("lina@northwind.example"), again="something else entirely")
    assert r.status_code == 200
    world.license_user.refresh_from_db()
    assert world.license_user.check_password(PASSWORD)
