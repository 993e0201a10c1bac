import time
from unittest import mock

from django.test import Client

from conftest import PASSWORD


def logged_in(world) -> Client:
    client = Client()
    assert (
        client.post(
            "/accounts/login/", {"email": world.license_user.email, "password": PASSWORD}
        ).status_code
        == 302
    )
    assert client.get("/").status_code == 200
    return client


def at(seconds_from_now):
    return mock.patch(
        "licensedesk.accounts.middleware.time.time", return_value=time.time() + seconds_from_now
    )


def test_a_session_ends_after_two_idle_hours(world):
    client = logged_in(world)
    with at(2 * 3600 + 60):
        r = client.get("/")
    assert r.status_code == 302
    assert r["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_activity_keeps_a_session_alive(world):
    client = logged_in(world)
    for hours in (1.5, 3, 4.5):
        with at(hours * 3600):
            assert client.get("/").status_code == 200


def test_a_session_ends_after_twelve_hours_however_busy(world):
    client = logged_in(world)
    for hours in range(1, 12):
        with at(hours * 3600):
            assert client.get("/").status_code == 200
    with at(12 * 3600 + 60):
        assert client.get("/").status_code == 302


def test_an_expired_session_does_not_authenticate_the_api(world):
    client = logged_in(world)
    with at(2 * 3600 + 60):
        assert client.get("/api/v1/me").status_code == 401
