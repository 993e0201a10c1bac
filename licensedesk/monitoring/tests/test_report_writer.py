"""Status reports are stored behind the answer: a web process answers 202 once a report is
checked, and stores the reports it accepted in one batch every LICENSEDESK_REPORT_FLUSH_MS
(licensedesk/monitoring/writer.py). The rest of the suite stores each report before the
answer (LICENSEDESK_REPORT_FLUSH_MS=0); here the batches are stored by hand with
`writer.flush()`, except where the thread itself is under test."""

import logging
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from licensedesk.monitoring import services, writer
from licensedesk.monitoring.models import Health, Report, State, StateChange
from licensedesk.monitoring.tests.helpers import monitored, post, report, schema


@pytest.fixture(autouse=True)
def behind(settings, monkeypatch):
    """A fresh process that stores its reports in batches; the thread never runs by itself
    (an hour apart) unless a test says so."""
    settings.LICENSEDESK_REPORT_FLUSH_SECONDS = 3600
    monkeypatch.setattr(writer, "writer", writer.ReportWriter())
    monkeypatch.setattr(writer.ReportWriter, "_start_thread", lambda self: None)
    writer._last_accepted.clear()
    services.forget_known_tokens()
    yield
    writer._last_accepted.clear()
    services.forget_known_tokens()


def a_minute_later(inst):
    Health.objects.filter(installation=inst).update(
        last_report_at=timezone.now() - timedelta(seconds=60)
    )
    writer._last_accepted.clear()


def test_an_accepted_report_is_stored_with_the_next_batch(client, world):
    inst, token = monitored(world.org, world.license_admin)
    response = post(client, inst, token, report(host={"disk_pct": 99}))

    assert response.status_code == 202
    assert writer.writer.pending() == 1
    assert not Report.objects.filter(installation=inst).exists()  # not yet

    assert writer.writer.flush() == 1
    health = Health.objects.get(installation=inst)
    assert (health.state, health.last_report()["host"]["disk_pct"]) == (State.CRITICAL, 99.0)
    assert Report.objects.filter(installation=inst, state=State.CRITICAL).count() == 1
    change = StateChange.objects.get(installation=inst)
    assert (change.from_state, change.to_state) == (State.PENDING, State.CRITICAL)
    assert writer.writer.pending() == 0


def test_a_batch_of_many_installations_is_one_statement_on_postgresql(client, world):
    installations = [monitored(world.org, world.license_admin) for _ in range(5)]
    for inst, token in installations:
        assert post(client, inst, token, report()).status_code == 202

    with CaptureQueriesContext(connection) as statements:
        assert writer.writer.flush() == 5

    if connection.vendor == "postgresql":
        assert len(statements) == 1
    for inst, _ in installations:
        assert Health.objects.get(installation=inst).state == State.HEALTHY
        assert Report.objects.filter(installation=inst).count() == 1


def test_a_second_report_too_soon_is_refused_before_any_batch(client, world):
    inst, token = monitored(world.org, world.license_admin)
    assert post(client, inst, token, report()).status_code == 202
    again = post(client, inst, token, report())

    assert again.status_code == 429
    assert 1 <= int(again["Retry-After"]) <= services.MIN_REPORT_GAP
    writer.writer.flush()
    assert Report.objects.filter(installation=inst).count() == 1


def test_a_token_revoked_before_the_batch_stores_nothing_and_is_refused_next(client, world):
    inst, token = monitored(world.org, world.license_admin)
    assert post(client, inst, token, report()).status_code == 202
    writer.writer.flush()
    a_minute_later(inst)

    assert post(client, inst, token, report(host={"disk_pct": 99})).status_code == 202
    services.issue_token(world.license_admin, inst)  # rotated before the batch is stored
    writer.writer.flush()

    assert Report.objects.filter(installation=inst).count() == 1  # the first one only
    assert Health.objects.get(installation=inst).state == State.HEALTHY
    a_minute_later(inst)
    assert post(client, inst, token, report()).status_code == 401  # forgotten, looked up


def test_reports_of_one_installation_in_one_batch_are_stored_in_turn(world):
    inst, _ = monitored(world.org, world.license_admin)
    health = Health.objects.get(installation=inst)
    now = timezone.now()
    entries = [
        services.pending(health, schema(), State.HEALTHY, [], now - timedelta(seconds=30)),
        services.pending(health, schema(), State.HEALTHY, [], now - timedelta(seconds=25)),
        services.pending(health, schema(), State.CRITICAL, ["x"], now),
    ]

    outcomes = [outcome for outcome, _ in services.store_reports(entries)]

    assert outcomes == [services.WRITTEN, services.TOO_SOON, services.WRITTEN]
    assert Report.objects.filter(installation=inst).count() == 2
    assert Health.objects.get(installation=inst).state == State.CRITICAL


def test_a_batch_that_fails_is_logged_and_the_next_one_is_stored(
    client, world, monkeypatch, caplog
):
    first, first_token = monitored(world.org, world.license_admin)
    second, second_token = monitored(world.org, world.license_admin)
    assert post(client, first, first_token, report()).status_code == 202
    stored = services.store_reports

    def broken(entries):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "store_reports", broken)
    with caplog.at_level(logging.ERROR, logger="licensedesk.monitoring.writer"):
        assert writer.writer.flush() == 0
    assert "1 status reports could not be stored" in caplog.text

    monkeypatch.setattr(services, "store_reports", stored)
    assert post(client, second, second_token, report()).status_code == 202
    assert writer.writer.flush() == 1
    assert Report.objects.filter(installation=second).count() == 1


def test_a_full_buffer_is_stored_by_the_request_that_fills_it(client, world, monkeypatch):
    monkeypatch.setattr(writer, "MAX_PENDING", 2)
    installations = [monitored(world.org, world.license_admin) for _ in range(2)]
    for inst, token in installations:
        assert post(client, inst, token, report()).status_code == 202

    assert writer.writer.pending() == 0
    assert Report.objects.filter(installation__in=[i for i, _ in installations]).count() == 2


def test_a_new_process_starts_with_an_empty_buffer(world, monkeypatch):
    inst, _ = monitored(world.org, world.license_admin)
    health = Health.objects.get(installation=inst)
    writer.writer.submit(services.pending(health, schema(), State.HEALTHY, [], timezone.now()))
    assert writer.writer.pending() == 1

    monkeypatch.setattr(writer.os, "getpid", lambda: -1)  # as after a fork
    writer.writer.submit(services.pending(health, schema(), State.HEALTHY, [], timezone.now()))
    assert writer.writer.pending() == 1  # the parent's report is the parent's to store


@pytest.mark.django_db(transaction=True)
def test_the_writer_thread_stores_the_reports_by_itself(world, settings, monkeypatch):
    settings.LICENSEDESK_REPORT_FLUSH_SECONDS = 0.02
    monkeypatch.setattr(writer.ReportWriter, "_start_thread", _real_start_thread)
    monkeypatch.setattr(writer, "writer", writer.ReportWriter())
    inst, _ = monitored(world.org, world.license_admin)
    health = Health.objects.get(installation=inst)

    writer.writer.submit(services.pending(health, schema(), State.HEALTHY, [], timezone.now()))

    try:
        deadline = time.monotonic() + 5
        while not Report.objects.filter(installation=inst).exists():
            assert time.monotonic() < deadline, "the thread stored nothing in 5 s"
            time.sleep(0.02)
        assert Health.objects.get(installation=inst).state == State.HEALTHY
    finally:
        writer.writer.stop()
    assert not writer.writer._thread.is_alive()


_real_start_thread = writer.ReportWriter._start_thread


def test_a_token_speaks_only_for_its_own_installation_before_any_batch(client, world):
    inst, token = monitored(world.org, world.license_admin)
    theirs, _ = monitored(world.other_org, world.outsider)
    assert post(client, theirs, token, report()).status_code == 404
    assert writer.writer.pending() == 0
    writer.writer.flush()
    assert not Report.objects.filter(installation__in=[inst, theirs]).exists()
