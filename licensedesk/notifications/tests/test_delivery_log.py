"""The delivery log: what was sent, what is retrying and why; a failed delivery can be
queued again by hand, in the UI and the API."""

import pytest

from licensedesk.licenses.tests.factories import registered
from licensedesk.notifications.models import Delivery
from licensedesk.notifications.sender import send_due
from licensedesk.notifications.tests.helpers import delivery, profile, reminder


@pytest.fixture
def failed(world):
    prof = profile(world.license_admin)
    d = delivery(
        prof, registered(world.org), state=Delivery.State.FAILED, attempts=8,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )  # fmt: skip
    return d


def test_the_log_shows_state_attempts_and_error(world, login, failed):
    page = login(world.license_admin).get("/notifications/deliveries/").content.decode()
    assert "desk@northwind.example" in page and "Failed" in page
    assert "Connection refused" in page and "Retry now" in page


def test_the_log_filters_by_state(world, login, failed):
    client = login(world.license_admin)
    assert (
        "desk@northwind.example"
        in client.get("/notifications/deliveries/?state=failed").content.decode()
    )
    assert (
        "desk@northwind.example"
        not in client.get("/notifications/deliveries/?state=sent").content.decode()
    )


def test_a_failed_delivery_is_retried_from_the_ui_and_sent(world, login, failed):
    response = login(world.license_admin).post(f"/notifications/deliveries/{failed.pk}/retry/")
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (Delivery.State.QUEUED, 0)
    assert send_due() == 1
    failed.refresh_from_db()
    assert failed.state == Delivery.State.SENT


def test_a_failed_delivery_is_retried_from_the_api(world, api, failed):
    response = api(world.license_admin).post(f"/api/v1/deliveries/{failed.pk}/retry")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "queued"
    listed = api(world.license_admin).get("/api/v1/deliveries?state=queued").json()["items"]
    assert [d["id"] for d in listed] == [failed.pk]


def test_a_sent_delivery_cannot_be_retried(world, api, login, failed):
    Delivery.objects.filter(pk=failed.pk).update(state=Delivery.State.SENT)
    assert api(world.license_admin).post(f"/api/v1/deliveries/{failed.pk}/retry").status_code == 400
    login(world.license_admin).post(f"/notifications/deliveries/{failed.pk}/retry/")
    assert Delivery.objects.get(pk=failed.pk).state == Delivery.State.SENT


def test_retrying_by_get_changes_nothing(world, login, failed):
    assert (
        login(world.license_admin).get(f"/notifications/deliveries/{failed.pk}/retry/").status_code
        == 405
    )
    assert Delivery.objects.get(pk=failed.pk).state == Delivery.State.FAILED


def test_a_license_user_sees_and_retries_only_their_reminders_deliveries(world, api, failed):
    rem = reminder(world.license_user)
    mine = Delivery.objects.create(
        organization=world.org, reminder=rem, event="care_ending", channel="email",
        recipient=world.license_user.email, state=Delivery.State.FAILED,
        next_attempt_at=failed.next_attempt_at,
    )  # fmt: skip
    client = api(world.license_user)
    assert [d["id"] for d in client.get("/api/v1/deliveries").json()["items"]] == [mine.pk]
    assert client.post(f"/api/v1/deliveries/{failed.pk}/retry").status_code == 404
    assert client.post(f"/api/v1/deliveries/{mine.pk}/retry").status_code == 200


def test_the_heading_says_whose_deliveries_are_listed(world, login, failed):
    admin = login(world.license_admin).get("/notifications/deliveries/").content.decode()
    assert "Every notification sent for your company" in admin
    mine = login(world.license_user).get("/notifications/deliveries/").content.decode()
    assert "Every notification sent for your company" not in mine
    assert "The emails of your own Care reminders" in mine
    assert "desk@northwind.example" not in mine  # the profile's delivery is not theirs
