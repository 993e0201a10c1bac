"""Grace alerts: "grace ending" at each profile's lead days before the grace period ends,
"grace expired" when a report shows devices stopped, "changes used up" when a report shows
none left; each once per installation and grace period, never again per report, paused by
maintenance, and told only to those who may see the installation's license."""

from datetime import timedelta

import pytest
from django.core import mail

from licensedesk.monitoring import grace
from licensedesk.monitoring.models import GraceFiring, Health, Maintenance
from licensedesk.monitoring.tests.helpers import T0, ingest, monitored, schema
from licensedesk.notifications import events
from licensedesk.notifications.models import Delivery
from licensedesk.notifications.sender import send_due
from licensedesk.notifications.tests.helpers import WebhookReceiver, profile

GRACE_EVENTS = [events.GRACE_ENDING, events.GRACE_EXPIRED, events.CHANGES_USED_UP]
END = T0 + timedelta(days=10)  # the grace period of the reports below ends then


def licenses(in_grace=3, ends=END, expired=0, used=2, allowed=10) -> dict:
    return {
        "activated": 90 - expired,
        "in_grace": in_grace,
        "grace_expired": expired,
        "not_licensed": 7,
        "grace_ends_at": ends.isoformat() if in_grace else None,
        "changes_without_activation": {"used": used, "allowed": allowed},
    }


@pytest.fixture
def health(world):
    inst, _ = monitored(world.org, world.license_admin)
    return Health.objects.get(installation=inst)


@pytest.fixture
def ops(world):
    return profile(
        world.license_admin,
        "Ops",
        events=GRACE_EVENTS,
        user_ids=[world.license_admin.pk],
        extra_emails=[],
    )


class Site:
    """An installation reporting at the times a test says, and the alerts as they go out."""

    def __init__(self, health, run_jobs):
        self.health, self.run_jobs = health, run_jobs

    def report(self, at, **counts):
        self.health.refresh_from_db()
        ingest(self.health, schema(licenses=licenses(**counts)), now=at)

    def alerts(self, at) -> list[str]:
        """The events sent at `at`: the scan, the fan-out, the deliveries."""
        before = list(Delivery.objects.values_list("pk", flat=True))
        grace.send_grace_alerts(at)
        self.run_jobs()
        send_due()
        return sorted(Delivery.objects.exclude(pk__in=before).values_list("event", flat=True))


@pytest.fixture
def site(health, run_jobs):
    return Site(health, run_jobs)


def test_grace_ending_fires_at_7_and_1_days_before_once_each(site, ops):
    site.report(T0)
    assert site.alerts(T0) == []  # 10 days ahead: no lead due yet
    site.report(END - timedelta(days=7))
    assert site.alerts(END - timedelta(days=7)) == [events.GRACE_ENDING]
    for hours in (1, 2, 24):  # more reports and scans of the same period: nothing more
        at = END - timedelta(days=7) + timedelta(hours=hours)
        site.report(at)
        assert site.alerts(at) == []
    assert site.alerts(END - timedelta(days=1)) == [events.GRACE_ENDING]
    assert site.alerts(END - timedelta(hours=2)) == []
    leads = sorted(GraceFiring.objects.values_list("lead_days", flat=True))
    assert leads == [1, 7]


def test_a_later_grace_end_starts_a_new_period_that_is_told_again(site, ops):
    site.report(END - timedelta(days=6))
    assert site.alerts(END - timedelta(days=6)) == [events.GRACE_ENDING]
    later_end = END + timedelta(days=20)
    site.report(END - timedelta(days=5), ends=later_end)  # activated; new devices in grace
    assert site.alerts(END - timedelta(days=5)) == []
    assert site.alerts(later_end - timedelta(days=7)) == [events.GRACE_ENDING]


def test_missed_leads_are_told_once_by_the_nearest_due(site, ops):
    """First seen 2 days before the end: one alert (not 7 and 1 at once), then the 1-day."""
    site.report(END - timedelta(days=2))
    assert site.alerts(END - timedelta(days=2)) == [events.GRACE_ENDING]
    assert site.alerts(END - timedelta(days=2) + timedelta(hours=1)) == []
    assert site.alerts(END - timedelta(hours=20)) == [events.GRACE_ENDING]


def test_the_email_says_when_cameras_stop_recording(site, ops, world):
    site.report(END - timedelta(days=3))
    site.alerts(END - timedelta(days=3))
    [message] = mail.outbox
    assert message.to == [world.license_admin.email]
    assert message.subject == "Devices in grace: grace ending: vms01 · licensedesk"
    assert "3 devices run in grace on the installation “vms01”" in message.body
    assert "cameras stop recording in 3 days (2025-03-11 12:00 UTC)" in message.body
    assert "license request (.lrq)" in message.body
    assert f"/installations/{site.health.installation_id}/" in message.body
    assert 'it matched the notification profile "Ops": it covers all licenses' in message.body


def test_profiles_with_their_own_lead_days(site, world, ops):
    profile(
        world.license_admin,
        "Site lead",
        events=[events.GRACE_ENDING],
        grace_lead_days=[3],
        extra_emails=["lead@northwind.example"],
    )
    site.report(END - timedelta(days=7))
    site.alerts(END - timedelta(days=7))
    assert [m.to for m in mail.outbox] == [[world.license_admin.email]]
    site.alerts(END - timedelta(days=3))
    assert [m.to for m in mail.outbox][1:] == [["lead@northwind.example"]]


def test_one_email_per_recipient_when_two_profiles_match(site, world, ops):
    profile(
        world.license_admin,
        "Also ops",
        events=GRACE_EVENTS,
        extra_emails=[],
        user_ids=[world.license_admin.pk],
    )
    site.report(END - timedelta(days=7))
    site.alerts(END - timedelta(days=7))
    [message] = mail.outbox
    assert "it matched 2 notification profiles" in message.body


def test_grace_expired_fires_on_the_report_that_shows_it_once(site, ops):
    site.report(END - timedelta(hours=1))
    site.alerts(END - timedelta(hours=1))  # the 1-day lead
    at = END + timedelta(minutes=5)
    site.report(at, in_grace=0, expired=3)
    assert site.alerts(at) == [events.GRACE_EXPIRED]
    for minutes in (10, 20, 60):
        site.report(END + timedelta(minutes=minutes), in_grace=0, expired=3)
        assert site.alerts(END + timedelta(minutes=minutes)) == []
    body = mail.outbox[-1].body
    assert "The grace period of 3 devices' licenses ran out" in body
    assert "they stopped recording" in body


def test_more_devices_stopping_is_told_again_and_activating_them_resets(site, ops):
    site.report(T0, in_grace=0, expired=2)
    assert site.alerts(T0) == [events.GRACE_EXPIRED]
    site.report(T0 + timedelta(minutes=1), in_grace=0, expired=5)
    assert site.alerts(T0 + timedelta(minutes=1)) == [events.GRACE_EXPIRED]
    site.report(T0 + timedelta(minutes=2), in_grace=0, expired=0)  # activated
    assert site.alerts(T0 + timedelta(minutes=2)) == []
    site.report(T0 + timedelta(minutes=3), in_grace=0, expired=1)
    assert site.alerts(T0 + timedelta(minutes=3)) == [events.GRACE_EXPIRED]


def test_changes_used_up_fires_once_until_changes_are_free_again(site, ops):
    site.report(T0, used=9)
    assert site.alerts(T0) == []  # 10 days ahead, 9 of 10 changes: nothing due
    site.report(T0 + timedelta(minutes=1), used=10)
    assert site.alerts(T0 + timedelta(minutes=1)) == [events.CHANGES_USED_UP]
    site.report(T0 + timedelta(minutes=2), used=10)
    assert site.alerts(T0 + timedelta(minutes=2)) == []
    site.report(T0 + timedelta(minutes=3), used=0)  # activated: the VMS starts over
    assert site.alerts(T0 + timedelta(minutes=3)) == []
    site.report(T0 + timedelta(minutes=4), used=10)
    assert site.alerts(T0 + timedelta(minutes=4)) == [events.CHANGES_USED_UP]
    assert "used all 10 changes it may make without activation" in mail.outbox[-1].body


def test_no_changes_allowed_at_all_is_no_alert(site, ops):
    site.report(T0, used=0, allowed=0)
    assert site.alerts(T0) == []


def test_a_report_without_licenses_alerts_nothing(site, ops, health):
    ingest(health, schema(), now=T0)
    assert site.alerts(END - timedelta(days=1)) == []


def test_maintenance_holds_a_grace_ending_alert_until_it_ends(site, ops, health):
    site.report(END - timedelta(days=8))
    Maintenance.objects.create(
        installation_id=health.installation_id,
        starts_at=END - timedelta(days=8),
        ends_at=END - timedelta(days=5),
    )
    assert site.alerts(END - timedelta(days=7)) == []  # due, but paused
    assert site.alerts(END - timedelta(days=5)) == [events.GRACE_ENDING]  # after the window


def test_a_grace_end_that_passed_during_maintenance_is_told_as_expired(site, ops, health):
    site.report(END - timedelta(days=8))
    Maintenance.objects.create(
        installation_id=health.installation_id,
        starts_at=END - timedelta(days=8),
        ends_at=END + timedelta(hours=1),
    )
    site.report(END + timedelta(minutes=5), in_grace=0, expired=3)
    assert site.alerts(END) == []
    assert site.alerts(END + timedelta(hours=1)) == [events.GRACE_EXPIRED]


def test_grace_alerts_are_paused_by_maintenance_but_care_is_not_concerned(site, ops, health):
    Maintenance.objects.create(
        installation_id=health.installation_id, starts_at=T0, ends_at=T0 + timedelta(hours=1)
    )
    site.report(T0, in_grace=0, expired=3, used=10)
    assert site.alerts(T0 + timedelta(minutes=1)) == []
    assert site.alerts(T0 + timedelta(hours=2)) == [events.CHANGES_USED_UP, events.GRACE_EXPIRED]


def test_a_profile_without_grace_events_gets_nothing(site, world):
    profile(world.license_admin, "Care desk")
    site.report(T0, in_grace=0, expired=3, used=10)
    assert site.alerts(T0) == []


def test_another_companys_profiles_and_ungranted_users_are_not_told(site, world):
    profile(world.outsider, "Their ops", events=GRACE_EVENTS, extra_emails=["x@contoso.example"])
    profile(
        world.license_admin,
        "Ops",
        events=GRACE_EVENTS,
        extra_emails=[],
        user_ids=[world.license_user.pk, world.license_admin.pk],
    )
    site.report(T0, in_grace=0, expired=3)
    site.alerts(T0)
    assert [m.to for m in mail.outbox] == [[world.license_admin.email]]
    assert not Delivery.objects.filter(organization=world.other_org).exists()


def test_a_disabled_installation_is_not_told(site, ops, health):
    site.report(T0, in_grace=0, expired=3)
    Health.objects.filter(pk=health.pk).update(enabled=False)
    assert site.alerts(T0) == []


def test_the_webhook_is_signed_and_carries_the_counts(site, world, settings):
    settings.ALLOW_PRIVATE_WEBHOOKS = True
    with WebhookReceiver() as receiver:
        hook = profile(
            world.license_admin,
            "Ticketing",
            events=GRACE_EVENTS,
            webhook_url=receiver.url,
            email_enabled=False,
            extra_emails=[],
        )
        receiver.secret = hook.webhook_secret
        site.report(END - timedelta(days=7))
        site.alerts(END - timedelta(days=7))
    [call] = receiver.calls
    assert call["valid"]
    body = call["body"]
    assert body["event"] == events.GRACE_ENDING
    assert body["data"] == {
        "installation": "vms01",
        "installation_id": site.health.installation_id,
        "devices": {"activated": 90, "in_grace": 3, "grace_expired": 0, "not_licensed": 7},
        "grace_ends_at": END.isoformat(),
        "changes_without_activation": {"used": 2, "allowed": 10},
        "hours_left": 168,
    }


def test_a_second_scan_at_the_same_time_tells_nothing_more(site, ops):
    site.report(END - timedelta(days=7), expired=1, used=10)
    grace.send_grace_alerts(END - timedelta(days=7))
    assert grace.send_grace_alerts(END - timedelta(days=7)) == 0


def test_the_delivery_log_shows_grace_alerts_to_the_company_only(site, ops, world, login):
    site.report(T0, in_grace=0, expired=3)
    site.alerts(T0)
    ours = login(world.license_admin).get("/notifications/deliveries/").content.decode()
    assert events.LABELS[events.GRACE_EXPIRED] in ours
    for stranger in (world.outsider, world.outsider_user):
        theirs = login(stranger).get("/notifications/deliveries/").content.decode()
        assert events.LABELS[events.GRACE_EXPIRED] not in theirs
