"""Notification profiles and Care: "Care ending" at each lead time, "Care ended" the day
after, for the licenses in the profile's scope, to recipients who may see them."""

from datetime import date, timedelta

import pytest
from django.core import mail

from licensedesk.care.models import CareFiring
from licensedesk.care.scan import scan
from licensedesk.groups.tests.factories import group
from licensedesk.licenses.tests.factories import customer, registered
from licensedesk.notifications import events
from licensedesk.notifications.models import Delivery
from licensedesk.notifications.sender import send_due
from licensedesk.notifications.tests.helpers import profile

ENDS = date(2026, 6, 30)


def day(before: int) -> date:
    return ENDS - timedelta(days=before)


def firings(prof) -> list[tuple]:
    return sorted(CareFiring.objects.filter(profile=prof).values_list("license_id", "lead_days"))


@pytest.fixture
def lic(world):
    return registered(world.org, care_ends_on=ENDS, grant_to=[world.license_user])


def test_care_ending_fires_at_each_lead_time(world, lic):
    prof = profile(world.license_admin, events=[events.CARE_ENDING], lead_times=[60, 7])
    scan(today=day(61))
    assert firings(prof) == []
    scan(today=day(60))
    scan(today=day(7))
    assert firings(prof) == [(lic.pk, 7), (lic.pk, 60)]
    assert set(Delivery.objects.values_list("event", flat=True)) == {events.CARE_ENDING}


def test_care_ended_fires_the_day_after_care_ends(world, lic):
    prof = profile(world.license_admin, events=[events.CARE_ENDED])
    scan(today=ENDS)
    assert firings(prof) == []
    scan(today=ENDS + timedelta(days=1))
    assert firings(prof) == [(lic.pk, -1)]
    sent = Delivery.objects.get()
    assert sent.event == events.CARE_ENDED
    assert sent.payload["items"][0]["event"] == events.CARE_ENDED


def test_care_ended_fires_once(world, lic):
    prof = profile(world.license_admin, events=[events.CARE_ENDED])
    for after in range(1, 10):
        scan(today=ENDS + timedelta(days=after))
    assert firings(prof) == [(lic.pk, -1)]
    assert Delivery.objects.count() == 1


def test_care_ending_alone_does_not_send_care_ended(world, lic):
    prof = profile(world.license_admin, events=[events.CARE_ENDING], lead_times=[7])
    scan(today=ENDS + timedelta(days=1))
    assert firings(prof) == []


def test_a_muted_profile_fires_nothing(world, lic):
    prof = profile(world.license_admin, muted=True)
    scan(today=day(90))
    assert firings(prof) == []


def test_a_groups_scope_covers_its_groups_members(world, lic):
    outside = registered(world.org, care_ends_on=ENDS)
    grp = group(world.org, "Harbour sites", licenses=[lic])
    prof = profile(world.license_admin, scope="groups", group_ids=[grp.pk])
    scan(today=day(90))
    assert firings(prof) == [(lic.pk, 90)]
    assert outside.pk not in [lid for lid, _ in firings(prof)]


def test_a_customers_scope_covers_that_customers_licenses(world):
    harbour = customer(world.org, "Harbour Hotel")
    inside = registered(world.org, cust=harbour, care_ends_on=ENDS)
    registered(world.org, cust=customer(world.org, "Airport"), care_ends_on=ENDS)
    registered(world.org, care_ends_on=ENDS)  # no customer
    prof = profile(world.license_admin, scope="customers", customer_ids=[harbour.pk])
    scan(today=day(90))
    assert firings(prof) == [(inside.pk, 90)]


def test_an_all_scope_covers_the_company_and_nothing_else(world, lic):
    registered(world.other_org, care_ends_on=ENDS)
    prof = profile(world.license_admin)
    scan(today=day(90))
    assert firings(prof) == [(lic.pk, 90)]


def test_a_user_recipient_only_receives_licenses_they_may_see(world, lic):
    hidden = registered(world.org, care_ends_on=ENDS, description="Secret vault")
    profile(world.license_admin, user_ids=[world.license_user.pk, world.license_admin.pk])
    scan(today=day(90))
    send_due()
    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert lic.code in by_recipient[world.license_user.email]
    assert hidden.code not in by_recipient[world.license_user.email]
    assert hidden.code in by_recipient[world.license_admin.email]
    assert "Care ends soon for 1 license" in next(
        m.subject for m in mail.outbox if m.to == [world.license_user.email]
    )


def test_a_user_recipient_who_may_see_none_of_them_gets_nothing(world):
    registered(world.org, care_ends_on=ENDS)  # not granted
    profile(world.license_admin, user_ids=[world.license_user.pk])
    scan(today=day(90))
    send_due()
    assert [m.to for m in mail.outbox] == [["desk@northwind.example"]]
    skipped = Delivery.objects.get(recipient=world.license_user.email)
    assert skipped.state == Delivery.State.SKIPPED


def test_a_deactivated_user_receives_nothing(world, lic):
    profile(world.license_admin, user_ids=[world.license_user.pk])
    scan(today=day(90))
    world.license_user.is_active = False
    world.license_user.save()
    send_due()
    skipped = Delivery.objects.get(recipient=world.license_user.email)
    assert skipped.state == Delivery.State.SKIPPED
    assert "no longer a user" in skipped.last_error
    assert all(m.to != [world.license_user.email] for m in mail.outbox)


def test_a_user_deactivated_before_the_scan_is_not_queued(world, lic):
    profile(world.license_admin, user_ids=[world.license_user.pk])
    world.license_user.is_active = False
    world.license_user.save()
    scan(today=day(90))
    assert not Delivery.objects.filter(recipient=world.license_user.email).exists()
