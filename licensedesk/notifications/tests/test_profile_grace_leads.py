"""A notification profile's grace lead days: when "Grace ending" tells it, days before the
grace period of an installation's devices ends (7 and 1 unless chosen), set in the UI and
the API; bad values are a 4xx and change nothing."""

import pytest

from licensedesk.notifications import events
from licensedesk.notifications.models import NotificationProfile
from licensedesk.notifications.tests.helpers import profile

URL = "/api/v1/notification-profiles"


def test_a_new_profile_follows_grace_ends_7_and_1_days_before(world):
    prof = profile(world.license_admin, events=[events.GRACE_ENDING])
    assert prof.grace_lead_days == [7, 1]


def test_the_form_sets_the_grace_lead_days(world, login):
    response = login(world.license_admin).post(
        "/notifications/profiles/new/",
        {
            "name": "Sites",
            "scope": "all",
            "events": [events.GRACE_ENDING, events.GRACE_EXPIRED, events.CHANGES_USED_UP],
            "lead_times": "",
            "grace_lead_days": "14, 3",
            "extra_emails": "desk@northwind.example",
            "email_enabled": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    prof = NotificationProfile.objects.get()
    assert prof.grace_lead_days == [14, 3]
    page = login(world.license_admin).get(f"/notifications/profiles/{prof.pk}/").content.decode()
    assert 'value="14, 3"' in page


def test_the_api_shows_and_changes_them(world, api):
    client = api(world.license_admin)
    created = client.post(
        URL,
        {"name": "Sites", "events": [events.GRACE_ENDING], "extra_emails": ["a@northwind.example"]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["grace_lead_days"] == [7, 1]
    pk = created.json()["id"]
    changed = client.patch(f"{URL}/{pk}", {"grace_lead_days": [2]}, content_type="application/json")
    assert changed.json()["grace_lead_days"] == [2]


@pytest.mark.parametrize("bad", [[0], [91], ["x"], list(range(1, 12))])
def test_bad_grace_lead_days_are_refused_and_change_nothing(world, api, bad):
    prof = profile(world.license_admin, events=[events.GRACE_ENDING])
    response = api(world.license_admin).patch(
        f"{URL}/{prof.pk}", {"grace_lead_days": bad}, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    prof.refresh_from_db()
    assert prof.grace_lead_days == [7, 1]
