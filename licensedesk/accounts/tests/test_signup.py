from unittest import mock

import pytest

from licensedesk.accounts.models import Organization, Role, User
from licensedesk.audit.models import AuditEvent

URL = "/accounts/signup/"


def form(**overrides):
    data = {
        "company_name": "Fabrikam Video",
        "country": "Sweden",
        "first_name": "Frida",
        "last_name": "Fabrikam",
        "email": "frida@fabrikam.example",
        "phone": "+46 8 123",
        "password": "a long and unusual passphrase",
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_it_creates_company_and_its_first_administrator(client):
    r = client.post(URL, form())
    assert r.status_code == 302
    user = User.objects.get(email="frida@fabrikam.example")
    assert user.organization.name == "Fabrikam Video"
    assert user.organization.country == "Sweden"
    assert user.role == Role.LICENSE_ADMIN
    assert user.is_company_admin
    assert not user.is_staff
    assert AuditEvent.objects.filter(
        action="company.sign_up", organization=user.organization
    ).exists()


@pytest.mark.django_db
def test_it_logs_the_new_user_in(client):
    client.post(URL, form())
    r = client.get("/")
    assert r.status_code == 200
    assert r.context["user"].email == "frida@fabrikam.example"


def test_it_refuses_a_taken_email_case_insensitively(client, world):
    r = client.post(URL, form(email="ALICE@northwind.example"))
    assert r.status_code == 200
    assert "already exists" in r.content.decode()
    assert not Organization.objects.filter(name="Fabrikam Video").exists()


@pytest.mark.django_db
def test_it_refuses_a_weak_password(client):
    r = client.post(URL, form(password="password1"))
    assert r.status_code == 200
    assert r.context["form"].errors["password"]
    assert not User.objects.exists()
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_password_like_the_email(client):
    r = client.post(URL, form(email="fabrikamfrida@fabrikam.example", password="fabrikamfrida"))
    assert r.status_code == 200
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_accepts_a_long_passphrase(client):
    passphrase = "the quick brown fox jumps over the lazy dog " * 2  # 88 characters
    assert len(passphrase) >= 64
    r = client.post(URL, form(password=passphrase))
    assert r.status_code == 302
    assert User.objects.get(email="frida@fabrikam.example").check_password(passphrase)


@pytest.mark.django_db
def test_it_refuses_a_password_over_1024_characters(client):
    r = client.post(URL, form(password="x7!" * 342))  # 1026 characters
    assert r.status_code == 200
    assert "too long" in r.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_leaves_nothing_behind_when_saving_the_user_fails(client):
    with (
        mock.patch.object(User, "save", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        client.post(URL, form())
    assert not Organization.objects.exists()
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_it_gives_each_company_its_own_slug(client):
    client.post(URL, form())
    client.post("/accounts/logout/")
    client.post(URL, form(email="other@fabrikam.example"))
    slugs = sorted(Organization.objects.values_list("slug", flat=True))
    assert slugs == ["fabrikam-video", "fabrikam-video-2"]


def test_it_redirects_a_logged_in_user(login, world):
    r = login(world.license_user).get(URL)
    assert r.status_code == 302
    assert not Organization.objects.filter(name="Fabrikam Video").exists()
