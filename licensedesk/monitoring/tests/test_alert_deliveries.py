"""An alert reaches each subscribed recipient exactly once, through the fan-out job and the
delivery outbox, and only those who may see the installation's license."""

from datetime import timedelta

import pytest
from django.core import mail

from licensedesk.monitoring import alerts, offline
from licensedesk.monitoring.models import Health
from licensedesk.monitoring.tests.helpers import T0, ingest, monitored, schema
from licensedesk.notifications import events
from licensedesk.notifications.models import Delivery
from licensedesk.notifications.sender import send_due
from licensedesk.notifications.tests.helpers import profile

INSTALLATION_EVENTS = [
    events.INSTALLATION_OFFLINE,
    events.INSTALLATION_ONLINE,
    events.INSTALLATION_CRITICAL,
    events.INSTALLATION_RECOVERED,
]


@pytest.fixture
def health(world):
    inst, _ = monitored(world.org, world.license_admin)
    health = Health.objects.get(installation=inst)
    ingest(health, schema(), now=T0)
    alerts.send_alerts(T0 + timedelta(minutes=5))
    return health


def go_critical_and_deliver(health, run_jobs):
    health.refresh_from_db()
    ingest(health, schema(host={"disk_pct": 99}), now=T0 + timedelta(minutes=6))
    alerts.send_alerts(T0 + timedelta(minutes=10))
    run_jobs()
    return send_due()


def test_a_critical_installation_is_emailed_once_to_each_recipient(world, health, run_jobs):
    profile(
        world.license_admin, "Ops", events=INSTALLATION_EVENTS, user_ids=[world.license_admin.pk]
    )
    assert go_critical_and_deliver(health, run_jobs) == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "desk@northwind.example",
        world.license_admin.email,
    ]
    message = mail.outbox[0]
    assert message.subject == "Installation critical: vms01 · licensedesk"
    assert "The installation “vms01” is Critical since 2025-03-01 12:06 UTC." in message.body
    assert "Why: host disk 99% full." in message.body
    inst_url = f"http://testserver/installations/{health.installation_id}/"
    assert f"Open the installation: {inst_url}" in message.body
    assert "['" not in message.body and "reasons:" not in message.body
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}

    alerts.send_alerts(T0 + timedelta(hours=1))
    run_jobs()
    assert send_due() == 0
    assert Delivery.objects.count() == 2 and len(mail.outbox) == 2


def test_a_profile_without_installation_events_gets_nothing(world, health, run_jobs):
    profile(world.license_admin, "Care desk")  # Care events only
    assert go_critical_and_deliver(health, run_jobs) == 0
    assert Delivery.objects.count() == 0


def test_an_ungranted_license_user_is_not_told(world, health, run_jobs):
    profile(
        world.license_admin,
        "Ops",
        events=INSTALLATION_EVENTS,
        extra_emails=[],
        user_ids=[world.license_user.pk, world.license_admin.pk],
    )
    go_critical_and_deliver(health, run_jobs)
    assert list(Delivery.objects.values_list("recipient", flat=True)) == [world.license_admin.email]


def test_another_companys_profile_is_not_told(world, health, run_jobs):
    profile(
        world.outsider, "Theirs", events=INSTALLATION_EVENTS, extra_emails=["ops@contoso.example"]
    )
    assert go_critical_and_deliver(health, run_jobs) == 0
    assert not Delivery.objects.filter(organization=world.other_org).exists()


def test_offline_then_back_online_are_two_deliveries(world, health, run_jobs):
    profile(world.license_admin, "Ops", events=INSTALLATION_EVENTS)
    offline.detect_offline(T0 + timedelta(minutes=10))
    alerts.send_alerts(T0 + timedelta(minutes=15))
    health.refresh_from_db()
    ingest(health, schema(), now=T0 + timedelta(minutes=20))
    alerts.send_alerts(T0 + timedelta(minutes=25))
    run_jobs()
    assert send_due() == 2
    assert list(Delivery.objects.order_by("id").values_list("event", flat=True)) == [
        events.INSTALLATION_OFFLINE,
        events.INSTALLATION_ONLINE,
    ]
