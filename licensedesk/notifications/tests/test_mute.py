"""Muting: a profile muted by its admins, and a recipient's own link at the foot of each
email (a GET only asks; the POST mutes)."""

import re
from datetime import date

import pytest
from django.core import mail
from django.test import Client

from licensedesk.care.scan import scan
from licensedesk.licenses.tests.factories import registered
from licensedesk.notifications.models import Delivery, Mute
from licensedesk.notifications.sender import send_due
from licensedesk.notifications.tests.helpers import profile, reminder

ENDS = date(2026, 6, 30)


@pytest.fixture
def lic(world):
    return registered(world.org, care_ends_on=ENDS, grant_to=[world.license_user])


def mute_path(message) -> str:
    return re.search(r"http://testserver(/notifications/mute/\S+/)", message.body).group(1)


def test_the_mute_link_asks_first_and_changes_nothing_on_get(world, lic):
    profile(world.license_admin, lead_times=[90])
    scan(today=date(2026, 4, 1))
    send_due()
    response = Client().get(mute_path(mail.outbox[0]))
    assert response.status_code == 200
    assert b"Stop these notifications?" in response.content
    assert Mute.objects.count() == 0


def test_the_mute_link_mutes_that_address_for_that_profile_on_post(world, lic):
    prof = profile(world.license_admin, lead_times=[90, 30])
    other = profile(world.license_admin, "Other desk", lead_times=[30])
    scan(today=date(2026, 4, 1))
    send_due()
    response = Client().post(mute_path(mail.outbox[0]))
    assert response.status_code == 200 and b"Muted" in response.content
    assert list(Mute.objects.values_list("email", "profile_id")) == [
        ("desk@northwind.example", prof.pk)
    ]
    mail.outbox.clear()
    scan(today=date(2026, 5, 31))
    send_due()
    assert [m.to for m in mail.outbox] == [["desk@northwind.example"]]  # from "Other desk"
    assert "Other desk" in mail.outbox[0].body
    skipped = Delivery.objects.get(profile=prof, state=Delivery.State.SKIPPED)
    assert "muted" in skipped.last_error
    assert other.pk


def test_a_reminder_recipient_can_mute_it(world, lic):
    rem = reminder(world.license_user, lead_times=[90, 30])
    scan(today=date(2026, 4, 1))
    send_due()
    Client().post(mute_path(mail.outbox[0]))
    assert Mute.objects.get().reminder_id == rem.pk
    mail.outbox.clear()
    scan(today=date(2026, 5, 31))
    send_due()
    assert mail.outbox == []


def test_a_forged_or_tampered_mute_link_is_404(world):
    assert Client().post("/notifications/mute/not-a-token/").status_code == 404
    assert Mute.objects.count() == 0


def test_a_muted_profile_sends_nothing_already_queued(world, lic):
    prof = profile(world.license_admin, lead_times=[90])
    scan(today=date(2026, 4, 1))
    prof.muted = True
    prof.save()
    send_due()
    assert mail.outbox == []
    assert Delivery.objects.get().state == Delivery.State.SKIPPED


def test_a_license_admin_mutes_and_unmutes_a_profile_in_the_ui(world, login):
    prof = profile(world.license_admin)
    client = login(world.license_admin)
    assert client.post(f"/notifications/profiles/{prof.pk}/mute/").status_code == 302
    prof.refresh_from_db()
    assert prof.muted
    client.post(f"/notifications/profiles/{prof.pk}/mute/")
    prof.refresh_from_db()
    assert not prof.muted


def test_muting_a_profile_by_get_changes_nothing(world, login):
    prof = profile(world.license_admin)
    assert (
        login(world.license_admin).get(f"/notifications/profiles/{prof.pk}/mute/").status_code
        == 405
    )
    prof.refresh_from_db()
    assert not prof.muted
