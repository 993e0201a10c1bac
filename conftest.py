"""Shared test fixtures: two companies and a user of every role, so that every cross-company
and cross-role assertion is one line."""

from dataclasses import dataclass

import pytest
from django.test import Client

from licensedesk.accounts import tokens
from licensedesk.accounts.models import Organization, Role, User

pytest_plugins = ["licensedesk.core.tests.browser", "licensedesk.core.testing"]

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each status report stored before its answer, as the tests expect to read it at once;
    # test_report_writer.py covers the batches.
    settings.LICENSEDESK_REPORT_FLUSH_SECONDS = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.BASE_URL = "http://testserver"


def make_user(org, email, role=Role.LICENSE_USER, company_admin=False, **extra) -> User:
    return User.objects.create_user(
        email=email,
        password=PASSWORD,
        organization=org,
        role=role,
        is_company_admin=company_admin,
        first_name=extra.pop("first_name", email.split("@")[0].title()),
        last_name=extra.pop("last_name", "Tester"),
        **extra,
    )


@dataclass
class World:
    org: Organization  # "our" company
    other_org: Organization  # another partner company
    company_admin: User  # company administrator and License Admin
    license_admin: User
    license_user: User
    no_role: User  # in our company, with neither license role
    outsider: User  # company administrator of the other company
    outsider_user: User  # License User of the other company
    staff: User  # the vendor's staff (back office)


@pytest.fixture
def world(db) -> World:
    org = Organization.objects.create(name="Northwind Security", slug="northwind", country="DK")
    other = Organization.objects.create(name="Contoso", slug="contoso", country="DE")
    return World(
        org=org,
        other_org=other,
        company_admin=make_user(org, "alice@northwind.example", Role.LICENSE_ADMIN, True),
        license_admin=make_user(org, "lars@northwind.example", Role.LICENSE_ADMIN),
        license_user=make_user(org, "lina@northwind.example", Role.LICENSE_USER),
        no_role=make_user(org, "nora@northwind.example", Role.NONE),
        outsider=make_user(other, "charlie@contoso.example", Role.LICENSE_ADMIN, True),
        outsider_user=make_user(other, "carl@contoso.example", Role.LICENSE_USER),
        staff=User.objects.create_superuser(email="staff@vendor.example", password=PASSWORD),
    )


@pytest.fixture
def login():
    """login(user) -> a test client with that user's browser session."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def backoffice():
    """backoffice(staff) -> a test client in the back office: the staff member's session has
    passed the second factor, as the back office requires."""
    from licensedesk.core.testing import backoffice_client

    return backoffice_client


class ApiClient(Client):
    """A client that calls the API with a personal access token."""

    def __init__(self, secret: str):
        super().__init__(headers={"Authorization": f"Bearer {secret}"})
        self.secret = secret

    def patch_json(self, path, data):
        return self.patch(path, data, content_type="application/json")

    def post_json(self, path, data):
        return self.post(path, data, content_type="application/json")


@pytest.fixture
def api():
    """api(user) -> a test client that authenticates with a fresh token of that user."""

    def make(user) -> ApiClient:
        _, secret = tokens.create_token(user, "tests")
        return ApiClient(secret)

    return make


@pytest.fixture
def run_jobs():
    from licensedesk.outbox.worker import run_due_jobs

    return run_due_jobs
