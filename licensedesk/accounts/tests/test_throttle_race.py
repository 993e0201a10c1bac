"""Throttles take their token before the attempt is checked: guesses sent at the same moment
cannot all pass one check (16 concurrent wrong passwords against a limit of 5 let 11 through
before). Real threads against PostgreSQL; SQLite serialises writers itself."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from licensedesk.accounts.views.auth import LOGIN_ATTEMPTS_PER_ADDRESS, LOGIN_FAILURES_PER_ACCOUNT
from licensedesk.audit.models import AuditEvent
from licensedesk.core.errors import ServiceError
from licensedesk.core.ratelimit import RateLimited
from licensedesk.core.testing import needs_postgresql, race
from licensedesk.licenses import services as licenses

GUESSES = 16


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_passwords_are_checked_no_more_often_than_the_limit(world):
    needs_postgresql()
    email = world.license_admin.email

    def guess(i):
        client = Client(REMOTE_ADDR=f"192.0.2.{i + 1}")
        return client.post("/accounts/login/", {"email": email, "password": f"guess {i}"})

    answers = [r.status_code for r in race(guess, GUESSES)]
    checked = AuditEvent.objects.filter(action="login.failed", actor_label=email).count()
    assert checked == LOGIN_FAILURES_PER_ACCOUNT.capacity
    assert answers.count(429) == GUESSES - LOGIN_FAILURES_PER_ACCOUNT.capacity


@pytest.mark.django_db(transaction=True)
def test_concurrent_failed_registrations_are_checked_no_more_often_than_the_limit(world):
    needs_postgresql()
    limit = licenses.FAILURES_PER_USER.capacity

    def guess(i):
        try:
            licenses.register(world.license_admin, f"M01-C01-251-{i:02d}-AAAAAA")
        except RateLimited:
            return "throttled"
        except ServiceError as exc:
            return exc.code

    outcomes = race(guess, 24)
    assert outcomes.count("throttled") == 24 - limit, outcomes
    assert len([o for o in outcomes if o in ("slc_unavailable", "invalid_slc_format")]) == limit


def test_a_right_password_does_not_use_up_the_account_limit(client, world):
    for _ in range(LOGIN_FAILURES_PER_ACCOUNT.capacity + 3):
        client = Client()
        ok = client.post(
            "/accounts/login/", {"email": world.license_user.email, "password": PASSWORD}
        )
        assert ok.status_code == 302


def test_wrong_one_time_codes_use_up_the_account_limit_like_wrong_passwords(world):
    TOTPDevice.objects.create(user=world.license_user, name="app", confirmed=True)
    client = Client()
    step = client.post(
        "/accounts/login/", {"email": world.license_user.email, "password": PASSWORD}
    )
    assert step.status_code == 302
    for _ in range(LOGIN_FAILURES_PER_ACCOUNT.capacity):
        assert client.post("/accounts/login/verify/", {"code": "000000"}).status_code == 200
    assert client.post("/accounts/login/verify/", {"code": "000000"}).status_code == 429


def test_the_one_time_code_step_counts_against_the_address_limit(world):
    TOTPDevice.objects.create(user=world.license_user, name="app", confirmed=True)
    client = Client(REMOTE_ADDR="198.51.100.7")
    client.post("/accounts/login/", {"email": world.license_user.email, "password": PASSWORD})
    for n in range(LOGIN_ATTEMPTS_PER_ADDRESS.capacity - 1):
        Client(REMOTE_ADDR="198.51.100.7").post(
            "/accounts/login/", {"email": f"nobody{n}@example.com", "password": "x"}
        )
    assert client.post("/accounts/login/verify/", {"code": "000000"}).status_code == 429
