"""A technician on site puts an installation in maintenance (a window from–to, or a snooze
of an hour or a day): its monitoring alerts pause, the page and the Installations list say so
and until when, and the alerts resume by themselves when the window ends. Care reminders
are never paused."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from licensedesk.audit.models import AuditEvent
from licensedesk.care.scan import scan
from licensedesk.licenses.models import License
from licensedesk.monitoring import alerts, maintenance, offline
from licensedesk.monitoring.models import Health, Maintenance
from licensedesk.monitoring.tests.helpers import ingest, monitored, schema
from licensedesk.notifications import events
from licensedesk.notifications.models import Delivery
from licensedesk.notifications.sender import send_due
from licensedesk.notifications.tests.helpers import profile, reminder

INSTALLATION_EVENTS = [
    events.INSTALLATION_OFFLINE,
    events.INSTALLATION_ONLINE,
    events.INSTALLATION_CRITICAL,
    events.INSTALLATION_RECOVERED,
]


@pytest.fixture
def now():
    """A moment just after any snooze the test makes starts."""
    return timezone.now() + timedelta(seconds=1)


def local(days: int, hour: int, minute: int = 0) -> str:
    """A `datetime-local` value `days` from today at hour:minute (UTC)."""
    day = timezone.now() + timedelta(days=days)
    return day.replace(hour=hour, minute=minute).strftime("%Y-%m-%dT%H:%M")


def iso(days: int, hour: int) -> str:
    return local(days, hour) + ":00Z"


@pytest.fixture
def inst(world, now):
    """A healthy, monitored installation, its health alerted, and a profile listening."""
    inst, _ = monitored(world.org, world.license_admin, hostname="vms-harbour")
    report(inst, now - timedelta(minutes=30))
    alerts.send_alerts(now - timedelta(minutes=25))
    profile(world.license_admin, "Ops", events=INSTALLATION_EVENTS)
    return inst


def report(inst, at, **changes):
    health = Health.objects.get(installation=inst)
    ingest(health, schema(sent_at=at.isoformat(), **changes), now=at)


def alerts_told(run_jobs) -> list[str]:
    run_jobs()
    return list(Delivery.objects.order_by("id").values_list("event", flat=True))


def test_a_snoozed_installation_is_not_alerted_and_resumes_by_itself(world, inst, now, run_jobs):
    maintenance.set_maintenance(world.license_admin, inst, snooze="1h")
    report(inst, now - timedelta(minutes=20), host={"disk_pct": 99})  # Critical
    assert alerts.send_alerts(now) == 0
    assert alerts.send_alerts(now + timedelta(minutes=59)) == 0
    assert alerts_told(run_jobs) == []
    # The hour is over, and it is still Critical: told then, with nobody doing anything.
    assert alerts.send_alerts(now + timedelta(hours=1, seconds=1)) == 1
    assert alerts_told(run_jobs) == [events.INSTALLATION_CRITICAL]


def test_offline_in_maintenance_is_paused_too(world, inst, now, run_jobs):
    maintenance.set_maintenance(world.license_admin, inst, snooze="1d")
    assert offline.detect_offline(now) == 1  # still watched and shown
    assert Health.objects.get(installation=inst).state == "offline"
    assert alerts.send_alerts(now + timedelta(hours=12)) == 0
    assert alerts_told(run_jobs) == []


def test_what_healed_during_maintenance_is_never_told(world, inst, now, run_jobs):
    maintenance.set_maintenance(world.license_admin, inst, snooze="1h")
    report(inst, now - timedelta(minutes=20), host={"disk_pct": 99})
    report(inst, now - timedelta(minutes=10))  # Healthy again
    assert alerts.send_alerts(now + timedelta(hours=2)) == 0
    assert alerts_told(run_jobs) == []


def test_alerts_go_out_before_a_planned_window_starts(world, inst, now, run_jobs):
    maintenance.set_maintenance(
        world.license_admin,
        inst,
        starts_at=now + timedelta(hours=2),
        ends_at=now + timedelta(hours=4),
    )
    report(inst, now - timedelta(minutes=20), host={"disk_pct": 99})
    assert alerts.send_alerts(now) == 1
    assert alerts_told(run_jobs) == [events.INSTALLATION_CRITICAL]


def test_ending_maintenance_resumes_the_alerts_at_once(world, inst, now, run_jobs, login):
    maintenance.set_maintenance(world.license_admin, inst, snooze="1d")
    report(inst, now - timedelta(minutes=20), host={"disk_pct": 99})
    assert alerts.send_alerts(now) == 0
    response = login(world.license_admin).post(f"/installations/{inst.pk}/maintenance/end/")
    assert response.status_code == 302
    assert not Maintenance.objects.exists()
    assert alerts.send_alerts(now) == 1


def test_care_reminders_are_never_paused(world, inst, now):
    License.objects.filter(pk=inst.license_id).update(care_plus_ends_on=date(2026, 6, 30))
    reminder(world.license_admin, lead_times=[30])
    maintenance.set_maintenance(world.license_admin, inst, snooze="1d")
    scan(today=date(2026, 5, 31))
    send_due()
    assert [m.to for m in mail.outbox] == [[world.license_admin.email]]
    assert "Care ends soon" in mail.outbox[0].subject


def test_the_page_and_the_list_say_until_when(world, inst, login):
    before = timezone.now()
    client = login(world.license_admin)
    response = client.post(f"/installations/{inst.pk}/maintenance/", {"snooze": "1d"})
    assert response.status_code == 302
    until = Maintenance.objects.get(installation=inst).ends_at
    assert before + timedelta(days=1) <= until <= timezone.now() + timedelta(days=1)
    stamp = until.strftime("%Y-%m-%d %H:%M")
    page = client.get(f"/installations/{inst.pk}/").content.decode()
    assert f"In maintenance until {stamp} UTC." in page and "End maintenance now" in page
    assert f"Alerts of this installation pause until {stamp} UTC." in page  # the message
    listed = client.get("/installations/").content.decode()
    assert f"In maintenance until {stamp} UTC" in listed


def test_a_window_is_planned_from_the_form_in_utc(world, inst, login):
    client = login(world.license_admin)
    response = client.post(
        f"/installations/{inst.pk}/maintenance/",
        {"starts_at": local(10, 8), "ends_at": local(10, 17, 30)},
    )
    assert response.status_code == 302
    window = Maintenance.objects.get(installation=inst)
    assert window.starts_at.isoformat() == local(10, 8) + ":00+00:00"
    page = client.get(f"/installations/{inst.pk}/").content.decode()
    start, end = local(10, 8).replace("T", " "), local(10, 17, 30).replace("T", " ")
    assert f"Maintenance planned from {start} to {end} UTC." in page
    assert "Call off the maintenance" in page
    assert f"Maintenance from {start} UTC" in client.get("/installations/").content.decode()
    assert AuditEvent.objects.filter(action="monitoring.maintenance").count() == 1


def test_an_ended_window_is_no_longer_shown(world, inst, now, login):
    Maintenance.objects.create(
        installation=inst, starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1)
    )
    client = login(world.license_admin)
    assert "In maintenance" not in client.get(f"/installations/{inst.pk}/").content.decode()
    assert "In maintenance" not in client.get("/installations/").content.decode()


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"starts_at": local(2, 8), "ends_at": local(2, 7)},
         "The end must come after the start."),
        ({"starts_at": local(-3, 8), "ends_at": local(-2, 9)},
         "The window must end in the future."),
        ({"starts_at": local(2, 8), "ends_at": local(40, 8)},
         "A maintenance window lasts 30 days at most."),
        ({"starts_at": local(400, 8), "ends_at": local(401, 8)},
         "Plan maintenance within a year."),
        ({"starts_at": local(2, 8)},
         "Give the window&#x27;s start and end, or snooze for 1 hour or 1 day."),
        ({"starts_at": "tomorrow", "ends_at": local(2, 8)},
         "Give dates and times as YYYY-MM-DD HH:MM (UTC)."),
        ({"snooze": "1w"}, "Snooze for 1 hour (1h) or 1 day (1d)."),
    ],
)  # fmt: skip
def test_a_bad_window_is_refused_with_a_clear_message_and_nothing_stored(
    world, inst, login, form, error
):
    client = login(world.license_admin)
    response = client.post(f"/installations/{inst.pk}/maintenance/", form, follow=True)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Maintenance.objects.exists()


def test_a_new_window_replaces_the_old_one(world, inst):
    maintenance.set_maintenance(world.license_admin, inst, snooze="1d")
    maintenance.set_maintenance(world.license_admin, inst, snooze="1h")
    window = Maintenance.objects.get()
    assert window.ends_at - window.starts_at == timedelta(hours=1)


def put(client, inst, body):
    return client.put(
        f"/api/v1/installations/{inst.pk}/maintenance", body, content_type="application/json"
    )


def test_the_api_snoozes_plans_shows_and_ends_maintenance(world, inst, api):
    client = api(world.license_admin)
    answer = put(client, inst, {"snooze": "1h"})
    assert answer.status_code == 200 and answer.json()["alerts_paused"] is True
    shown = client.get(f"/api/v1/installations/{inst.pk}").json()["maintenance"]
    assert shown["ends_at"] == answer.json()["ends_at"]
    listed = client.get("/api/v1/installations").json()["items"][0]["maintenance"]
    assert listed["alerts_paused"] is True
    planned = put(client, inst, {"starts_at": iso(10, 8), "ends_at": iso(10, 17)})
    assert planned.status_code == 200 and planned.json()["alerts_paused"] is False
    assert client.delete(f"/api/v1/installations/{inst.pk}/maintenance").status_code == 204
    assert client.get(f"/api/v1/installations/{inst.pk}").json()["maintenance"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"snooze": "1w"},
        {"starts_at": "2031-05-01T08:00:00Z", "ends_at": "2031-05-01T07:00:00Z"},
        {"starts_at": "2030-05-01T08:00:00", "ends_at": "2030-05-01T09:00:00"},  # no zone
        {"ends_at": "2031-05-01T09:00:00Z"},
        {"starts_at": "soon", "ends_at": "2031-05-01T09:00:00Z"},
        {"starts_at": "2001-05-01T08:00:00Z", "ends_at": "2001-05-01T09:00:00Z"},
    ],
)
def test_the_api_refuses_a_bad_window_as_a_problem(world, inst, api, body):
    answer = put(api(world.license_admin), inst, body)
    assert answer.status_code in (400, 422)
    assert answer["Content-Type"].startswith("application/problem+json")
    assert not Maintenance.objects.exists()
