from django.test import Client

from conftest import PASSWORD


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
