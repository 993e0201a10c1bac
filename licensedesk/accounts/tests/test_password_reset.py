import re
import time
from unittest import mock

from django.core import mail
from django.test import Client

from conftest import PASSWORD
from licensedesk.audit.models import AuditEvent
from licensedesk.outbox.models import Job

NEW_PASSWORD = "a brand new passphrase for lina"


def request_link(client, run_jobs, email="lina@northwind.example") -> str:
    r = client.post("/accounts/forgot-password/", {"email": email})
    assert r.status_code == 200
    run_jobs()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [email]
    return re.search(r"http://testserver(/accounts/reset-password/\S+/)", mail.outbox[0].body)[1]


def set_password(client, path, password=NEW_PASSWORD):
    return client.post(path, {"password": password, "password_again": password})


def can_log_in(email, password) -> bool:
    r = Client().post("/accounts/login/", {"email": email, "password": password})
    return r.status_code == 302


def test_it_emails_a_link_through_the_outbox(client, world, run_jobs):
    client.post("/accounts/forgot-password/", {"email": "lina@northwind.example"})
    assert mail.outbox == []  # not sent in the request: queued
    assert Job.objects.filter(kind="accounts.password_reset").count() == 1
    run_jobs()
    assert len(mail.outbox) == 1
    assert "/accounts/reset-password/" in mail.outbox[0].body


def test_the_link_sets_a_new_password(client, world, run_jobs):
    path = request_link(client, run_jobs)
    assert client.get(path).status_code == 200
    r = set_password(client, path)
    assert r.status_code == 302
    assert r["Location"] == "/accounts/login/"
    assert can_log_in("lina@northwind.example", NEW_PASSWORD)
    assert not can_log_in("lina@northwind.example", PASSWORD)
    assert AuditEvent.objects.filter(action="password.reset", actor=world.license_user).exists()


def test_the_link_works_once(client, world, run_jobs):
    path = request_link(client, run_jobs)
    set_password(client, path)
    assert client.get(path).status_code == 400
    r = set_password(Client(), path, "an attacker's chosen passphrase")
    assert r.status_code == 400
    assert can_log_in("lina@northwind.example", NEW_PASSWORD)


def test_the_link_dies_when_the_password_changes_otherwise(client, world, run_jobs):
    path = request_link(client, run_jobs)
    world.license_user.set_password("changed in the meantime 42")
    world.license_user.save()
    assert client.get(path).status_code == 400


def test_the_link_dies_when_the_email_address_changes(client, world, run_jobs):
    path = request_link(client, run_jobs)
    world.license_user.email = "lina.new@northwind.example"
    world.license_user.save()
    assert client.get(path).status_code == 400


def test_the_link_expires_after_an_hour(client, world, run_jobs):
    path = request_link(client, run_jobs)
    later = time.time() + 60 * 60 + 5
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert client.get(path).status_code == 400
        assert set_password(client, path).status_code == 400
    assert can_log_in("lina@northwind.example", PASSWORD)


def test_a_tampered_link_is_refused(client, world, run_jobs):
    path = request_link(client, run_jobs)
    assert client.get(path[:-3] + "xx/").status_code == 400


def test_an_invitation_link_is_not_a_reset_link(client, world):
    from licensedesk.accounts import links

    token = links.make_token(world.license_user, "invitation")
    assert client.get(f"/accounts/reset-password/{token}/").status_code == 400


def test_it_says_the_same_for_an_unknown_email(client, world, run_jobs):
    known = client.post("/accounts/forgot-password/", {"email": "lina@northwind.example"})
    unknown = client.post("/accounts/forgot-password/", {"email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 200
    assert known.templates[0].name == unknown.templates[0].name
    assert known.content == unknown.content
    run_jobs()
    assert [m.to for m in mail.outbox] == [["lina@northwind.example"]]


def test_it_sends_nothing_to_a_deactivated_user(client, world, run_jobs):
    world.license_user.is_active = False
    world.license_user.save()
    client.post("/accounts/forgot-password/", {"email": "lina@northwind.example"})
    run_jobs()
    assert mail.outbox == []


def test_it_refuses_a_weak_new_password(client, world, run_jobs):
    path = request_link(client, run_jobs)
    r = set_password(client, path, "12345678")
    assert r.status_code == 200
    assert can_log_in("lina@northwind.example", PASSWORD)


def test_it_revokes_the_users_tokens(client, world, run_jobs, api):
    token_client = api(world.license_user)
    path = request_link(client, run_jobs)
    set_password(client, path)
    assert token_client.get("/api/v1/me").status_code == 401


def test_it_is_rate_limited_per_address(client, world):
    for _ in range(10):
        client.post("/accounts/forgot-password/", {"email": "nobody@nowhere.example"})
    r = client.post("/accounts/forgot-password/", {"email": "lina@northwind.example"})
    assert r.status_code == 429
    assert r["Retry-After"]
