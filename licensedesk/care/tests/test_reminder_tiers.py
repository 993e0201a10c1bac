"""Care reminders and notification profiles per Care tier: each follows both tiers unless told,
each tier fires on its own end date, and renewing one tier never silences the other's."""

from datetime import date, timedelta

import pytest
from django.core import mail

from licensedesk.care import services
from licensedesk.care.models import CareFiring, CareReminder
from licensedesk.care.scan import scan
from licensedesk.licenses.tests.factories import registered
from licensedesk.notifications import events
from licensedesk.notifications.models import Delivery, NotificationProfile
from licensedesk.notifications.sender import send_due
from licensedesk.notifications.tests.helpers import profile, reminder

ENDS = date(2026, 6, 30)


def day(before: int) -> date:
    return ENDS - timedelta(days=before)


def fired(on: date) -> list[tuple]:
    """Scan on `on`; the (license id, tier, end, lead days) this scan fired."""
    before = set(CareFiring.objects.values_list("pk", flat=True))
    scan(today=on)
    new = CareFiring.objects.exclude(pk__in=before)
    return sorted(new.values_list("license_id", "tier", "care_ends_on", "lead_days"))


@pytest.fixture
def both(world):
    """Care Plus and Care Premium ending on the same day."""
    return registered(
        world.org, care_ends_on=ENDS, care_premium_ends_on=ENDS, grant_to=[world.license_user]
    )


def test_a_reminder_follows_both_tiers_by_default(world, both):
    rem = reminder(world.license_admin, lead_times=[30])
    assert rem.care_tiers == "both"
    assert fired(day(30)) == [(both.pk, "plus", ENDS, 30), (both.pk, "premium", ENDS, 30)]
    [delivery] = Delivery.objects.all()  # one digest for the day
    tiers = sorted(item["tier"] for item in delivery.payload["items"])
    assert tiers == ["plus", "premium"]


@pytest.mark.parametrize("tier", ["plus", "premium"])
def test_a_reminder_of_one_tier_fires_for_that_tier_only(world, both, tier):
    reminder(world.license_admin, lead_times=[30], care_tiers=tier)
    assert fired(day(30)) == [(both.pk, tier, ENDS, 30)]


def test_renewing_one_tier_leaves_the_other_s_reminder_due(world, both):
    reminder(world.license_admin, lead_times=[30])
    services.add_period(both, "Plus", date(2027, 6, 30), starts_on=ENDS + timedelta(days=1))
    assert fired(day(30)) == [(both.pk, "premium", ENDS, 30)]
    assert fired(date(2027, 5, 31)) == [(both.pk, "plus", date(2027, 6, 30), 30)]


def test_a_tier_that_starts_later_is_reminded_even_after_the_other_fired_on_its_date(world):
    lic = registered(world.org, care_level="Premium", care_ends_on=ENDS)
    reminder(world.license_admin, lead_times=[30])
    assert fired(day(30)) == [(lic.pk, "premium", ENDS, 30)]
    # Care Plus sold for the same end: its own reminder is due, not silenced by Premium's.
    services.add_period(lic, "Plus", ENDS, starts_on=day(29))
    assert fired(day(29)) == [(lic.pk, "plus", ENDS, 30)]


def test_care_ended_fires_per_tier_for_the_profiles_that_follow_it(world, both):
    ended = [events.CARE_ENDED]
    premium = profile(world.license_admin, "Support desk", events=ended, care_tiers="premium")
    plus = profile(world.license_admin, "Upgrades desk", events=ended, care_tiers="plus")
    scan(today=ENDS + timedelta(days=1))
    for prof, tier in ((premium, "premium"), (plus, "plus")):
        firings = CareFiring.objects.filter(profile=prof)
        assert list(firings.values_list("tier", "lead_days")) == [(tier, -1)]
    assert set(Delivery.objects.values_list("event", flat=True)) == {events.CARE_ENDED}


def test_the_email_says_which_tier_ends(world, both):
    reminder(world.license_admin, lead_times=[30], care_tiers="premium")
    scan(today=day(30))
    send_due()
    [message] = mail.outbox
    assert f"Care Premium ends {ENDS.isoformat()}" in message.body
    assert "Care Plus ends" not in message.body
    html = message.alternatives[0][0]
    assert f"Care Premium ends {ENDS.isoformat()}" in html


def test_a_license_users_reminder_never_covers_another_tier_of_an_ungranted_license(world):
    hidden = registered(world.org, care_level="Premium", care_ends_on=ENDS)
    theirs = registered(world.other_org, care_level="Premium", care_ends_on=ENDS)
    reminder(world.license_user, lead_times=[30])
    scan(today=day(30))
    fired_for = set(CareFiring.objects.values_list("license_id", flat=True))
    assert hidden.pk not in fired_for and theirs.pk not in fired_for


def test_the_reminder_form_chooses_the_tiers(world, login, both):
    client = login(world.license_user)
    page = client.get("/care/reminders/new/").content.decode()
    assert 'value="premium"' in page and "Which Care" in page
    response = client.post(
        "/care/reminders/new/",
        {"scope": "all", "lead_times": [30], "care_tiers": "premium", "notify_me": "on"},
    )
    assert response.status_code == 302
    assert CareReminder.objects.get().care_tiers == "premium"
    listing = client.get("/care/reminders/").content.decode()
    assert "Care Premium" in listing


def test_the_api_reads_and_patches_the_tiers_of_a_reminder(world, api):
    client = api(world.license_user)
    created = client.post_json("/api/v1/care-reminders", {"care_tiers": "plus"})
    assert created.status_code == 201, created.content
    assert created.json()["care_tiers"] == "plus"
    rid = created.json()["id"]
    patched = client.patch_json(f"/api/v1/care-reminders/{rid}", {"care_tiers": "both"})
    assert patched.json()["care_tiers"] == "both"
    for bad in ("gold", "Basic", None, ["plus"]):
        response = client.patch_json(f"/api/v1/care-reminders/{rid}", {"care_tiers": bad})
        assert 400 <= response.status_code < 500, bad
    assert CareReminder.objects.get().care_tiers == "both"


def test_the_api_and_the_form_choose_a_profile_s_tiers(world, api, login):
    client = api(world.license_admin)
    created = client.post_json(
        "/api/v1/notification-profiles",
        {
            "name": "Support",
            "events": ["care_ending"],
            "care_tiers": "premium",
            "extra_emails": ["desk@northwind.example"],
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["care_tiers"] == "premium"
    bad = client.post_json(
        "/api/v1/notification-profiles",
        {
            "name": "Bad",
            "events": ["care_ending"],
            "care_tiers": "basic",
            "extra_emails": ["desk@northwind.example"],
        },
    )
    assert 400 <= bad.status_code < 500
    prof = NotificationProfile.objects.get()
    response = login(world.license_admin).post(
        f"/notifications/profiles/{prof.pk}/",
        {
            "name": "Support",
            "scope": "all",
            "events": ["care_ending"],
            "lead_times": "30",
            "care_tiers": "plus",
            "extra_emails": "desk@northwind.example",
            "email_enabled": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    prof.refresh_from_db()
    assert prof.care_tiers == "plus"
    # Outsiders and License Users read none of it.
    assert api(world.outsider).get(f"/api/v1/notification-profiles/{prof.pk}").status_code == 404
    assert api(world.license_user).get(f"/api/v1/notification-profiles/{prof.pk}").status_code in (
        403,
        404,
    )
