"""The sign-up form answers "check your email" whether the address is new or already has an
account, so it tells no one which addresses have accounts. A new address is mailed a link that
creates the company (test_signup_link.py); the owner of a taken one is told someone tried."""

import re
from unittest import mock

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.core import mail
from django.test import Client

from licensedesk.accounts.models import Organization, PendingSignup, User
from licensedesk.accounts.views.auth import SIGNUPS_PER_ADDRESS
from licensedesk.audit.models import AuditEvent
from licensedesk.outbox.models import Job

URL = "/accounts/signup/"
PASSPHRASE = "a long and unusual passphrase"


def form(**overrides):
    data = {
        "company_name": "Fabrikam Video",
        "country": "Sweden",
        "first_name": "Frida",
        "last_name": "Fabrikam",
        "email": "frida@fabrikam.example",
        "phone": "+46 8 123",
        "password": PASSPHRASE,
    }
    return {**data, **overrides}


def nothing_created() -> bool:
    """No company, user or sign-up event beyond the `world` fixture's (if any)."""
    return (
        not Organization.objects.exclude(slug__in=["northwind", "contoso"]).exists()
        and not User.objects.exclude(organization__slug__in=["northwind", "contoso"])
        .exclude(is_staff=True)
        .exists()
        and not AuditEvent.objects.filter(action="company.sign_up").exists()
    )


@pytest.mark.django_db
def test_it_asks_to_check_the_email_and_creates_no_company_yet(client):
    r = client.post(URL, form())
    assert r.status_code == 200
    text = r.content.decode()
    assert "Check your email" in text
    assert "We sent a link to <strong>frida@fabrikam.example</strong> to finish signing up" in text
    assert nothing_created()
    assert client.get("/").status_code == 302  # not logged in


@pytest.mark.django_db
def test_it_keeps_the_sign_up_pending_with_the_password_hashed_only(client):
    client.post(URL, form(email="Frida@Fabrikam.example"))
    pending = PendingSignup.objects.get()
    assert pending.email == "frida@fabrikam.example"
    assert (pending.company_name, pending.country) == ("Fabrikam Video", "Sweden")
    assert (pending.first_name, pending.last_name, pending.phone) == (
        "Frida",
        "Fabrikam",
        "+46 8 123",
    )
    assert pending.password != PASSPHRASE and check_password(PASSPHRASE, pending.password)


@pytest.mark.django_db
def test_a_new_address_is_mailed_a_link_through_the_outbox(client, run_jobs):
    client.post(URL, form())
    assert mail.outbox == []  # queued, not sent in the request
    job = Job.objects.get(kind="accounts.signup_confirm")
    assert set(job.payload) == {"pending_id"}  # the link is made at send time
    run_jobs()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["frida@fabrikam.example"]
    assert "Fabrikam Video" in email.subject
    assert re.search(r"http://testserver/accounts/signup/confirm/\S+/", email.body)


@pytest.mark.parametrize("taken", ["alice@northwind.example", "ALICE@Northwind.example"])
def test_a_taken_address_gets_the_same_answer_as_a_new_one(world, taken):
    new = Client().post(URL, form(email="frida@fabrikam.example"))
    old = Client().post(URL, form(email=taken))
    assert new.status_code == old.status_code == 200
    assert [t.name for t in new.templates] == [t.name for t in old.templates]
    new_text = new.content.decode().replace("frida@fabrikam.example", "ADDRESS")
    old_text = old.content.decode().replace(taken.lower(), "ADDRESS")
    assert new_text == old_text


def test_the_address_of_a_deleted_user_gets_the_same_answer_too(world):
    world.license_user.is_active = False
    world.license_user.save()
    new = Client().post(URL, form(email="frida@fabrikam.example"))
    old = Client().post(URL, form(email="lina@northwind.example"))
    assert new.status_code == old.status_code == 200
    assert new.content.decode().replace("frida@fabrikam.example", "ADDRESS") == (
        old.content.decode().replace("lina@northwind.example", "ADDRESS")
    )
    assert not PendingSignup.objects.filter(email="lina@northwind.example").exists()
    assert Job.objects.get(kind="accounts.signup_taken").payload == {
        "user_id": world.license_user.pk
    }


def test_a_taken_address_creates_nothing_and_its_owner_is_told(client, world, run_jobs):
    users = User.objects.count()
    client.post(URL, form(email="ALICE@northwind.example"))
    assert nothing_created() and User.objects.count() == users
    assert not PendingSignup.objects.exists()
    assert client.get("/").status_code == 302  # not logged in

    run_jobs()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["alice@northwind.example"]
    assert "Someone tried to sign up" in email.body
    assert "http://testserver/accounts/login/" in email.body
    assert "http://testserver/accounts/forgot-password/" in email.body
    assert "/accounts/signup/confirm/" not in email.body


def test_the_password_is_hashed_for_a_new_and_a_taken_address_alike(world):
    """About the same work either way: no timing difference worth the name."""
    for email in ("frida@fabrikam.example", "alice@northwind.example"):
        with mock.patch(
            "licensedesk.accounts.signup.make_password", wraps=make_password
        ) as hashing:
            Client().post(URL, form(email=email))
        assert hashing.call_count == 1, email


@pytest.mark.parametrize("email", ["frida@fabrikam.example", "alice@northwind.example"])
def test_field_checks_come_before_anything_else_for_new_and_taken_addresses(world, email):
    r = Client().post(URL, form(email=email, password="password1"))
    assert r.status_code == 200
    assert r.context["form"].errors["password"]
    assert "already exists" not in r.content.decode()
    assert not Job.objects.exists()
    assert not PendingSignup.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_weak_password(client):
    r = client.post(URL, form(password="password1"))
    assert r.status_code == 200
    assert r.context["form"].errors["password"]
    assert not PendingSignup.objects.exists()
    assert nothing_created()


@pytest.mark.django_db
def test_it_refuses_a_password_like_the_email(client):
    r = client.post(URL, form(email="fabrikamfrida@fabrikam.example", password="fabrikamfrida"))
    assert r.status_code == 200
    assert r.context["form"].errors["password"]
    assert not PendingSignup.objects.exists()


def test_it_refuses_a_password_like_a_taken_email_the_same_way(world):
    r = Client().post(URL, form(email="alice@northwind.example", password="northwindalice"))
    assert r.status_code == 200
    assert r.context["form"].errors["password"]
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_it_accepts_a_long_passphrase(client):
    passphrase = "the quick brown fox jumps over the lazy dog " * 2  # 88 characters
    assert len(passphrase) >= 64
    r = client.post(URL, form(password=passphrase))
    assert r.status_code == 200
    assert check_password(passphrase, PendingSignup.objects.get().password)


@pytest.mark.django_db
def test_it_refuses_a_password_over_1024_characters(client):
    r = client.post(URL, form(password="x7!" * 342))  # 1026 characters
    assert r.status_code == 200
    assert "too long" in r.content.decode()
    assert not PendingSignup.objects.exists()


def test_new_and_taken_addresses_count_alike_against_the_per_address_limit(world):
    client = Client(REMOTE_ADDR="198.51.100.9")
    for n in range(SIGNUPS_PER_ADDRESS.capacity):
        email = f"new{n}@fabrikam.example" if n % 2 else "alice@northwind.example"
        assert client.post(URL, form(email=email)).status_code == 200
    assert client.post(URL, form(email="late@fabrikam.example")).status_code == 429
    assert client.post(URL, form(email="alice@northwind.example")).status_code == 429


def test_it_redirects_a_logged_in_user(login, world):
    r = login(world.license_user).get(URL)
    assert r.status_code == 302
    assert not Organization.objects.filter(name="Fabrikam Video").exists()
