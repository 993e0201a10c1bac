"""A state change alerts only once it held for the hold time (120 s unless the company says
otherwise): a flapping installation does not flood anyone, a change that holds alerts once,
and coming back is told too (back online, recovered)."""

from datetime import timedelta

import pytest

from licensedesk.monitoring import alerts, offline, thresholds, tokens
from licensedesk.monitoring.models import Health, State, Thresholds
from licensedesk.monitoring.tests.helpers import T0, ingest, monitored, schema
from licensedesk.notifications import events
from licensedesk.outbox.models import Job

CRITICAL = {"host": {"disk_pct": 99}}


def at(seconds):
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def health(world):
    inst, _ = monitored(world.org, world.license_admin)
    health = Health.objects.get(installation=inst)
    ingest(health, schema(), now=T0)
    alerts.send_alerts(at(300))  # pending → healthy: settled, nothing to tell
    return health


def report(health, seconds, **changes):
    health.refresh_from_db()
    ingest(health, schema(**changes), now=at(seconds))


def alerted():
    """The events emitted so far (one fan-out job each)."""
    jobs = Job.objects.filter(kind="notifications.fanout").order_by("id")
    return [job.payload["event"] for job in jobs]


def test_the_first_healthy_report_alerts_nothing(health):
    assert alerted() == []
    assert Health.objects.get(pk=health.pk).alerted_state == State.HEALTHY


def test_a_change_reverted_within_the_hold_time_never_alerts(health):
    report(health, 400, **CRITICAL)
    assert alerts.send_alerts(at(450)) == 0
    report(health, 460)  # healthy again after 60 s
    assert alerts.send_alerts(at(2000)) == 0
    assert alerted() == []


def test_flapping_all_day_never_alerts(health):
    for i in range(20):
        report(health, 400 + 60 * i, **(CRITICAL if i % 2 == 0 else {}))
        alerts.send_alerts(at(400 + 60 * i + 59))
    report(health, 400 + 60 * 20)
    alerts.send_alerts(at(5000))
    assert alerted() == []


def test_a_change_that_holds_alerts_once(health):
    report(health, 400, **CRITICAL)
    assert alerts.send_alerts(at(519)) == 0
    assert alerts.send_alerts(at(520)) == 1
    assert alerts.send_alerts(at(600)) == 0
    report(health, 620, **CRITICAL)  # still critical: no news
    assert alerts.send_alerts(at(900)) == 0
    assert alerted() == [events.INSTALLATION_CRITICAL]
    job = Job.objects.get(kind="notifications.fanout")
    assert job.payload["data"]["state"] == State.CRITICAL
    assert job.payload["data"]["reasons"] == ["host disk 99% full"]
    assert job.payload["license_id"] == health.installation.license_id


def test_recovery_from_critical_is_told(health):
    report(health, 400, **CRITICAL)
    alerts.send_alerts(at(600))
    report(health, 700)
    assert alerts.send_alerts(at(760)) == 0
    assert alerts.send_alerts(at(820)) == 1
    assert alerted() == [events.INSTALLATION_CRITICAL, events.INSTALLATION_RECOVERED]


def test_going_offline_and_back_online_are_told(health):
    offline.detect_offline(at(200))
    assert alerts.send_alerts(at(319)) == 0
    assert alerts.send_alerts(at(320)) == 1
    report(health, 400)
    assert alerts.send_alerts(at(520)) == 1
    assert alerted() == [events.INSTALLATION_OFFLINE, events.INSTALLATION_ONLINE]


def test_a_short_outage_is_not_told(health):
    offline.detect_offline(at(200))
    report(health, 260)
    assert alerts.send_alerts(at(1000)) == 0
    assert alerted() == []


def test_the_company_hold_time_applies(world, health):
    Thresholds.objects.create(organization=world.org, hold_seconds=600)
    thresholds.forget_thresholds(world.org.pk)
    report(health, 400, **CRITICAL)
    assert alerts.send_alerts(at(999)) == 0
    assert alerts.send_alerts(at(1000)) == 1


def test_turning_monitoring_off_is_no_outage(world, health):
    tokens.disable(world.license_admin, health.installation)
    assert alerts.send_alerts(at(10_000)) == 0
    assert alerted() == []


def test_two_watchers_at_once_alert_once(health):
    report(health, 400, **CRITICAL)
    assert alerts.send_alerts(at(600)) + alerts.send_alerts(at(600)) == 1
