"""Care that has not started yet is not "Active": the license says when each tier starts, on
its page, in the Licenses list and in the API, and the Care status filter agrees."""

from datetime import timedelta

import pytest

from licensedesk.care import status, tiers
from licensedesk.care.services import add_period, unbroken_start
from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories


@pytest.fixture
def later(world):
    """A license whose only Care period (Plus) starts in 30 days and runs a year."""
    lic = factories.registered(world.org, grant_to=[world.license_user])
    starts = status.today() + timedelta(days=30)
    add_period(lic, "Plus", starts + timedelta(days=365), starts_on=starts)
    lic.refresh_from_db()
    return lic


def test_care_that_starts_later_is_not_active_yet(later):
    assert later.care_plus_starts_on == status.today() + timedelta(days=30)
    assert later.care_plus.status == "upcoming"
    assert later.care_plus.status_label == f"Starts on {later.care_plus_starts_on.isoformat()}"
    assert later.care_premium.status == "none"


def test_the_license_page_and_the_list_say_when_care_starts(world, login, later):
    client = login(world.license_user)
    words = f"Starts on {later.care_plus_starts_on.isoformat()}"
    assert words in client.get(f"/licenses/{later.code}/").content.decode()
    listing = client.get("/licenses/").content.decode()
    assert words in listing and '">Active</span>' not in listing


def test_the_api_says_when_care_starts(world, api, later):
    [item] = api(world.license_user).get("/api/v1/licenses").json()["items"]
    assert item["care"]["plus"]["status"] == "upcoming"
    assert item["care"]["plus"]["starts_on"] == later.care_plus_starts_on.isoformat()
    assert item["care"]["premium"] is None


def test_the_care_status_filter_agrees(world, later):
    active = factories.registered(world.org)
    add_period(active, "Premium", status.today() + timedelta(days=400))
    cases = (
        ("upcoming", None, {later.pk}),
        ("active", None, {active.pk}),
        ("active", "plus", set()),
        ("ending", None, set()),
        ("none", "premium", {later.pk}),
        ("none", None, set()),
    )
    for key, tier, expected in cases:
        found = License.objects.filter(tiers.status_q(key, tier)).values_list("pk", flat=True)
        assert set(found) == expected, (key, tier)


def test_once_the_day_comes_care_is_active(later, monkeypatch):
    monkeypatch.setattr(status, "today", lambda: later.care_plus_starts_on)
    assert later.care_plus.status == "active"


def test_a_renewal_of_running_care_keeps_it_active(world):
    lic = factories.registered(world.org)
    add_period(lic, "Plus", status.today() + timedelta(days=20))
    add_period(lic, "Plus", status.today() + timedelta(days=400))  # starts in 21 days
    lic.refresh_from_db()
    assert lic.care_plus_starts_on == status.today()
    assert lic.care_plus.status == "active"


def test_another_tier_starts_on_its_own(world):
    lic = factories.registered(world.org)
    add_period(lic, "Plus", status.today() + timedelta(days=20))
    later = status.today() + timedelta(days=21)
    add_period(lic, "Premium", later + timedelta(days=365), starts_on=later)
    lic.refresh_from_db()
    assert lic.care_plus.status == "ending"
    assert (lic.care_premium.status, lic.care_premium_starts_on) == ("upcoming", later)


def test_care_after_a_gap_starts_anew():
    day = status.today()
    since, until = day - timedelta(days=400), day - timedelta(days=35)
    assert unbroken_start(
        since, until, day + timedelta(days=3), day + timedelta(days=90)
    ) == day + timedelta(days=3)
    assert unbroken_start(since, until, day - timedelta(days=34), day) == since
    # The start was not kept: it stays unknown.
    unknown = unbroken_start(None, day + timedelta(days=5), day + timedelta(days=6), day)
    assert unknown is None
