"""/metrics in Prometheus text format for the people who run licensedesk: behind its own
bearer token, with requests by route and status, the outbox's backlog and the worker's
heartbeat; no company or user ever appears in a label."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from licensedesk.outbox.models import Job, WorkerHeartbeat
from licensedesk.outbox.registry import enqueue

TOKEN = "metrics-secret-for-tests"


@pytest.fixture
def scraper(settings):
    settings.METRICS_TOKEN = TOKEN
    return Client(headers={"Authorization": f"Bearer {TOKEN}"})


def samples(response) -> dict:
    """{(name, labels as a sorted tuple): value} of a scrape."""
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_metrics_are_off_until_a_token_is_set(db, settings):
    settings.METRICS_TOKEN = ""
    r = Client().get("/metrics")
    assert r.status_code == 403
    assert "LICENSEDESK_METRICS_TOKEN" in r.json()["detail"]


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}"])
def test_a_scrape_without_the_token_is_401(db, settings, header):
    settings.METRICS_TOKEN = TOKEN
    headers = {"Authorization": header} if header else {}
    r = Client(headers=headers).get("/metrics")
    assert r.status_code == 401
    assert b"licensedesk_http_requests" not in r.content


def test_requests_are_counted_by_route_pattern_and_status(world, api, scraper):
    before = samples(scraper.get("/metrics"))
    key = (
        "licensedesk_http_requests_total",
        (("method", "GET"), ("route", "api/v1/customers/<id:customer_id>"), ("status", "404")),
    )
    client = api(world.license_admin)
    for customer_id in (999_991, 999_992):
        assert client.get(f"/api/v1/customers/{customer_id}").status_code == 404
    after = samples(scraper.get("/metrics"))
    assert after[key] - before.get(key, 0) == 2
    assert not any("999991" in str(labels) for _, labels in after)  # the pattern, not the path


def test_the_outbox_backlog_and_the_worker_heartbeat_are_read_at_each_scrape(db, scraper):
    now = timezone.now()
    enqueue("core.housekeeping", {}, run_at=now - timedelta(minutes=5))
    enqueue("core.housekeeping", {}, run_at=now + timedelta(hours=1))  # not due yet
    Job.objects.create(kind="core.housekeeping", state=Job.State.FAILED)
    WorkerHeartbeat.objects.create(worker="host:1", beat_at=now - timedelta(seconds=90))
    found = samples(scraper.get("/metrics"))
    assert found[("licensedesk_outbox_jobs", (("state", "due"),))] == 1
    assert found[("licensedesk_outbox_jobs", (("state", "failed"),))] == 1
    assert 290 <= found[("licensedesk_outbox_oldest_due_job_age_seconds", ())] <= 400
    assert 89 <= found[("licensedesk_worker_heartbeat_age_seconds", ())] <= 150


def test_no_company_or_user_appears_in_any_label(world, api, login, scraper):
    api(world.license_admin).get("/api/v1/licenses")
    login(world.company_admin).get("/licenses/")
    text = scraper.get("/metrics").content.decode()
    for secret in (world.org.name, world.org.slug, world.license_admin.email):
        assert secret not in text


def _count(scraper, name, **labels) -> float:
    return samples(scraper.get("/metrics")).get((name, tuple(sorted(labels.items()))), 0)


def test_activations_are_counted_by_outcome(world, scraper, monkeypatch, tmp_path):
    from licensedesk.activation import services as activation
    from licensedesk.activation.tests.factories import activatable
    from licensedesk.core.errors import ServiceError
    from licensedesk_client.lrq import make_lrq, sample_devices

    monkeypatch.setenv("LICENSEDESK_SIGNING_KEYS_FILE", str(tmp_path / "keys.json"))
    lic = activatable(world.org, devices=5)
    name = "licensedesk_activations_total"
    before = {o: _count(scraper, name, outcome=o) for o in ("processed", "replayed", "refused")}
    body = make_lrq(lic.code, sample_devices(2))
    activation.activate(world.license_admin, lic.code, body)
    activation.activate(world.license_admin, lic.code, body)  # the same request again
    with pytest.raises(ServiceError):
        activation.activate(world.license_admin, lic.code, b"<not-a-request/>")
    after = {o: _count(scraper, name, outcome=o) for o in before}
    assert {o: after[o] - before[o] for o in before} == {
        "processed": 1,
        "replayed": 1,
        "refused": 1,
    }


def test_deliveries_are_counted_by_channel_and_outcome(world, scraper, settings):
    from licensedesk.licenses.tests.factories import registered
    from licensedesk.notifications.sender import send_due
    from licensedesk.notifications.tests.helpers import delivery, profile

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    prof = profile(world.license_admin, events=["license_registered"])
    before = _count(scraper, "licensedesk_deliveries_total", channel="email", outcome="sent")
    delivery(prof, registered(world.org))
    assert send_due() == 1
    after = _count(scraper, "licensedesk_deliveries_total", channel="email", outcome="sent")
    assert after - before == 1


def test_status_reports_are_counted_accepted_stored_and_refused(world, scraper, client):
    from licensedesk.monitoring.tests.helpers import monitored, post, report

    name = "licensedesk_status_reports_total"
    before = {o: _count(scraper, name, outcome=o) for o in ("accepted", "stored", "refused")}
    inst, token = monitored(world.org, world.license_admin)
    assert post(client, inst, token, report()).status_code == 202  # stored before answering
    assert post(client, inst, "ldmon_wrong", report()).status_code == 401
    after = {o: _count(scraper, name, outcome=o) for o in before}
    assert {o: after[o] - before[o] for o in before} == {"accepted": 1, "stored": 1, "refused": 1}
