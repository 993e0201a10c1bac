import re

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client

from licensedesk import settings as project_settings
from licensedesk.accounts.models import PendingSignup, User

PASSWORD = "an argon2 protected passphrase"


@pytest.fixture(autouse=True)
def real_hashers(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def test_the_project_hashes_with_argon2id_first():
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_a_new_password_is_hashed_with_argon2id(world):
    user = User.objects.create_user(
        email="a@northwind.example", password=PASSWORD, organization=world.org
    )
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


def test_signup_hashes_with_argon2id(client, db, run_jobs):
    client.post(
        "/accounts/signup/",
        {
            "company_name": "Argon",
            "country": "NO",
            "first_name": "A",
            "last_name": "B",
            "email": "a@argon.example",
            "password": PASSWORD,
        },
    )
    # Kept hashed while the sign-up waits for its emailed link, and the user gets that hash.
    assert PendingSignup.objects.get().password.startswith("argon2$argon2id$")
    run_jobs()
    link = re.search(r"http://testserver(/accounts/signup/confirm/\S+/)", mail.outbox[0].body)[1]
    client.post(link)
    user = User.objects.get(email="a@argon.example")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


def test_a_pbkdf2_hash_is_upgraded_at_login(world):
    user = world.license_user
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    assert user.password.startswith("pbkdf2_sha256$")
    r = Client().post("/accounts/login/", {"email": user.email, "password": PASSWORD})
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)
