"""Care that has not started yet is not "Active": the license says when it starts, on its
page, in the Licenses list and in the API, and the Care status filter agrees."""

from datetime import timedelta

import pytest

from licensedesk.care import status
from licensedesk.care.services import add_period, unbroken_start
from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories


@pytest.fixture
def later(world):
    """A license whose only Care period starts in 30 days and runs a year."""
    lic = factories.registered(world.org, grant_to=[world.license_user])
    starts = status.today() + timedelta(days=30)
    add_period(lic, "Plus", starts + timedelta(days=365), starts_on=starts)
    lic.refresh_from_db()
    return lic


def test_care_that_starts_later_is_not_active_yet(later):
    assert later.care_starts_on == status.today() + timedelta(days=30)
    assert later.care_status == "upcoming"
    assert later.care_status_label == f"Starts on {later.care_starts_on.isoformat()}"


def test_the_license_page_and_the_list_say_when_care_starts(world, login, later):
    client = login(world.license_user)
    words = f"Starts on {later.care_starts_on.isoformat()}"
    assert words in client.get(f"/licenses/{later.code}/").content.decode()
    listing = client.get("/licenses/").content.decode()
    assert words in listing and '">Active</span>' not in listing


def test_the_api_says_when_care_starts(world, api, later):
    [item] = api(world.license_user).get("/api/v1/licenses").json()["items"]
    assert item["care"]["status"] == "upcoming"
    assert item["care"]["starts_on"] == later.care_starts_on.isoformat()


def test_the_care_status_filter_agrees(world, later):
    active = factories.registered(world.org)
    add_period(active, "Plus", status.today() + timedelta(days=400))
    for key, expected in (("upcoming", {later.pk}), ("active", {active.pk}), ("ending", set())):
        found = License.objects.filter(status.status_q(key)).values_list("pk", flat=True)
        assert set(found) == expected, key


def test_once_the_day_comes_care_is_active(later, monkeypatch):
    monkeypatch.setattr(status, "today", lambda: later.care_starts_on)
    assert later.care_status == "active"


def test_a_renewal_of_running_care_keeps_it_active(world):
    lic = factories.registered(world.org)
    add_period(lic, "Plus", status.today() + timedelta(days=20))
    add_period(lic, "Premium", status.today() + timedelta(days=400))  # starts in 21 days
    lic.refresh_from_db()
    assert lic.care_starts_on == status.today()
    assert (lic.care_status, lic.care_level) == ("active", "Premium")


def test_care_after_a_gap_starts_anew():
    day = status.today()
    lic = License(care_starts_on=day - timedelta(days=400), care_ends_on=day - timedelta(days=35))
    assert unbroken_start(
        lic, day + timedelta(days=3), day + timedelta(days=90)
    ) == day + timedelta(days=3)
    assert unbroken_start(lic, day - timedelta(days=34), day) == day - timedelta(days=400)
    old = License(care_starts_on=None, care_ends_on=day + timedelta(days=5))  # start not kept
    assert unbroken_start(old, day + timedelta(days=6), day + timedelta(days=300)) is None
