"""The installation page's numbers agree with each other: the uptime beside a Critical badge
and an all-red bar is 0 %, a young installation's figure says it covers the time since
monitoring started, every explanation quotes the company's own thresholds, and the name the
partner knows stays when the installation reports another host name."""

from datetime import timedelta

import pytest
from django.utils import timezone

from licensedesk.core.demo import create_demo_data, create_demo_licenses
from licensedesk.core.demo_monitoring import create_demo_monitoring
from licensedesk.monitoring import offline, thresholds
from licensedesk.monitoring.explain import span
from licensedesk.monitoring.models import (
    Health,
    HourlyStat,
    Installation,
    State,
    StateChange,
    Thresholds,
)
from licensedesk.monitoring.tests.helpers import ingest, installation, monitored, schema


def page_of(client, inst) -> str:
    response = client.get(f"/installations/{inst.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def reported(inst, at, **changes) -> Health:
    health = Health.objects.get(installation=inst)
    ingest(health, schema(sent_at=at.isoformat(), **changes), now=at)
    return health


def test_an_installation_critical_all_day_shows_0_percent_that_day(world, login):
    inst, _ = monitored(world.org, world.license_admin)
    now = timezone.now()
    reported(inst, now - timedelta(days=3))
    reported(inst, now - timedelta(hours=30), host={"disk_pct": 99})
    response = login(world.license_admin).get(f"/installations/{inst.pk}/")
    day, week = response.context["uptimes"]  # 30 days would repeat the week: 3 days old
    assert day.percent == 0.0 and not day.young
    assert week.young and round(week.percent) == round(100 * 42 / 72)
    assert {bar["state"] for bar in response.context["timeline"]} == {State.CRITICAL}
    html = response.content.decode()
    assert "0.0 %" in html and "100.0 %" not in html
    assert "Critical 24 h" in html  # the time in each state


def test_a_young_installation_says_since_monitoring_started(world, login):
    inst, _ = monitored(world.org, world.license_admin)
    reported(inst, timezone.now() - timedelta(minutes=3))
    response = login(world.license_admin).get(f"/installations/{inst.pk}/")
    [card] = response.context["uptimes"]  # 7 and 30 days would say the same again
    assert card.young and card.percent == 100.0
    html = response.content.decode()
    assert "up since monitoring started 3\xa0minutes ago" in html
    assert "last 30 days" not in html


def test_a_pending_installation_has_no_uptime_yet(world, login):
    inst, _ = monitored(world.org, world.license_admin)
    html = page_of(login(world.license_admin), inst)
    assert "not monitored yet" in html and "%" not in html.split("since the last report")[0][-200:]


def test_the_enable_monitoring_text_quotes_the_company_thresholds(world, login):
    Thresholds.objects.create(organization=world.org, report_interval=3600, offline_after=48)
    inst = installation(world.org)
    html = page_of(login(world.license_admin), inst)
    assert "every minute" not in html
    assert "it reports every 1 hour, shows Offline after 2 days without a report" in html


def test_the_token_box_tells_the_client_the_company_interval(world, login):
    Thresholds.objects.create(organization=world.org, report_interval=300, offline_after=3)
    inst = installation(world.org)
    client = login(world.license_admin)
    client.post(f"/installations/{inst.pk}/monitoring/enable/")
    html = page_of(client, inst)
    assert "--interval 300" in html and "shows Offline after 15 minutes" in html


def test_the_offline_reason_quotes_the_thresholds_in_force(world, login):
    Thresholds.objects.create(organization=world.org, report_interval=3600, offline_after=48)
    inst, _ = monitored(world.org, world.license_admin)
    now = timezone.now()
    reported(inst, now - timedelta(days=3))
    assert offline.detect_offline(now) == 1
    html = page_of(login(world.license_admin), inst)
    assert "no report for more than 2 days (48 report intervals of 1 hour)" in html


def test_the_demo_explains_offline_with_its_own_thresholds(db):
    create_demo_data()
    create_demo_licenses()
    create_demo_monitoring()
    health = Health.objects.get(state=State.OFFLINE)
    t = thresholds.thresholds_for(health.organization_id)
    seconds = t.report_interval * t.offline_after
    assert health.reasons == [
        f"no report for more than {span(seconds)} ({t.offline_after} report intervals of "
        f"{span(t.report_interval)})"
    ]
    assert StateChange.objects.filter(to_state=State.OFFLINE).first().reasons == health.reasons
    assert health.state_since - health.last_report_at == timedelta(seconds=seconds)


def test_the_demo_history_tells_the_same_story_as_its_states(db):
    create_demo_data()
    create_demo_licenses()
    create_demo_monitoring()
    critical = Health.objects.get(state=State.CRITICAL)
    since = critical.state_since
    hours = HourlyStat.objects.filter(installation_id=critical.installation_id, hour__gte=since)
    assert hours.exists() and all(h.critical == h.reports == 1 for h in hours)
    down = Health.objects.get(state=State.OFFLINE)
    assert not HourlyStat.objects.filter(
        installation_id=down.installation_id, hour__gte=down.state_since
    ).exists()


def test_the_first_report_keeps_the_name_the_partner_knows(world, login):
    inst, _ = monitored(world.org, world.license_admin, hostname="Harbour HQ")
    reported(inst, timezone.now() - timedelta(minutes=1), hostname="vms01.harbour.example")
    assert Installation.objects.get(pk=inst.pk).hostname == "Harbour HQ"
    client = login(world.license_admin)
    response = client.get(f"/installations/{inst.pk}/")
    html = response.content.decode()
    assert "<h1>Harbour HQ" in html
    assert "reports as host <code>vms01.harbour.example</code>" in html
    listed = client.get("/installations/").content.decode()
    assert ">Harbour HQ</a>" in listed and "reports as vms01.harbour.example" in listed


def test_a_reported_host_equal_to_the_name_is_not_repeated(world, login):
    inst, _ = monitored(world.org, world.license_admin, hostname="vms01.harbour.example")
    reported(inst, timezone.now() - timedelta(minutes=1))
    client = login(world.license_admin)
    assert "reports as" not in page_of(client, inst)
    assert "reports as" not in client.get("/installations/").content.decode()


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(1, "1 second"), (90, "90 seconds"), (60, "1 minute"), (180, "3 minutes"),
     (3600, "1 hour"), (7200, "2 hours"), (172800, "2 days"), (86400 + 3600, "25 hours")],
)  # fmt: skip
def test_spans_are_said_in_the_largest_exact_unit(seconds, words):
    assert span(seconds) == words


def test_the_api_gives_the_same_uptime_and_when_monitoring_started(world, login, api):
    inst, _ = monitored(world.org, world.license_admin)
    now = timezone.now()
    reported(inst, now - timedelta(days=3))
    reported(inst, now - timedelta(hours=30), host={"disk_pct": 99})
    data = api(world.license_admin).get(f"/api/v1/installations/{inst.pk}").json()
    page = login(world.license_admin).get(f"/installations/{inst.pk}/")
    day, week = page.context["uptimes"]
    assert [data["uptime_24h"], data["uptime_7d"], data["uptime_30d"]] == [
        day.percent,
        week.percent,
        week.percent,
    ]
    assert data["uptime_24h"] == 0.0
    assert data["monitoring_started_at"] is not None


def test_the_thresholds_page_says_what_the_saved_thresholds_mean(world, login):
    client = login(world.license_admin)
    page = client.get("/installations/thresholds/").content.decode()
    assert (
        "With the thresholds saved now, an installation reports every 1 minute, shows Offline "
        "after 3 minutes without a report, and a change alerts once it has held for 2 minutes."
    ) in page
    Thresholds.objects.create(organization=world.org, report_interval=3600, offline_after=48)
    page = client.get("/installations/thresholds/").content.decode()
    assert "an installation reports every 1 hour, shows Offline after 2 days" in page
