from django.test import Client

from licensedesk.audit.models import AuditEvent


def test_it_logs_out_on_post(login, world):
    client = login(world.license_user)
    r = client.post("/accounts/logout/")
    assert r.status_code == 302
    assert r["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=world.license_user).exists()


def test_it_refuses_get(login, world):
    client = login(world.license_user)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200


def test_it_needs_a_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.license_user)
    assert client.post("/accounts/logout/").status_code == 403
    assert client.get("/").status_code == 200


def test_the_old_session_key_is_dead_after_logout(login, world):
    client = login(world.license_user)
    stolen = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    thief = Client()
    thief.cookies["sessionid"] = stolen
    assert thief.get("/").status_code == 302
