from django.test import Client

from conftest import PASSWORD
from licensedesk.audit.models import AuditEvent


def admin_login(email, password=PASSWORD) -> Client:
    client = Client()
    client.post(
        "/backoffice/login/?next=/backoffice/",
        {"username": email, "password": password, "next": "/backoffice/"},
    )
    return client


def test_staff_can_log_into_the_back_office(world):
    client = admin_login("staff@vendor.example")
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


def test_failed_back_office_logins_are_throttled_per_account(world):
    for _ in range(5):
        admin_login("staff@vendor.example", "wrong password")
    client = admin_login("staff@vendor.example")  # the right password, too late
    assert client.get("/backoffice/").status_code == 302
    assert AuditEvent.objects.filter(action="login.throttled").exists()


def test_the_back_office_shares_the_limit_with_the_app_login(world):
    for _ in range(5):
        Client().post("/accounts/login/", {"email": "staff@vendor.example", "password": "nope"})
    assert admin_login("staff@vendor.example").get("/backoffice/").status_code == 302


def test_back_office_logins_are_audited(world):
    admin_login("staff@vendor.example", "wrong password")
    admin_login("alice@northwind.example")  # right password, but no staff member
    admin_login("staff@vendor.example")
    failed = AuditEvent.objects.filter(action="login.failed")
    assert sorted(failed.values_list("actor_label", flat=True)) == [
        "alice@northwind.example",
        "staff@vendor.example",
    ]
    assert AuditEvent.objects.filter(action="login", actor=world.staff).exists()
    assert PASSWORD not in str(list(failed.values_list("changes", flat=True)))
