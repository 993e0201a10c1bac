"""Status reports are stored behind the answer: a web process answers 202 once a report is
checked, and stores the reports it accepted in one batch every LICENSEDESK_REPORT_FLUSH_MS
(licensedesk/monitoring/writer.py). The rest of the suite stores each report before the
answer (LICENSEDESK_REPORT_FLUSH_MS=0); here the batches are stored by hand with
`writer.flush()`, except where the thread itself is under test."""

import dataclasses
import logging
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from licensedesk.monitoring import buffer, tokens, writer
from licensedesk.monitoring.models import Health, Report, State, StateChange
from licensedesk.monitoring.tests.helpers import monitored, post, report, schema
from licensedesk.monitoring.writer import FAILED, TOO_SOON, WRITTEN, PendingReport


def pending(health, state=State.HEALTHY, reasons=(), now=None, **changes) -> PendingReport:
    """A report of `health`'s installation as the writer gets it."""
    entry = PendingReport.of(
        tokens.Reporter.of(health), schema(), state, list(reasons), now or timezone.now()
    )
    return dataclasses.replace(entry, **changes)


@pytest.fixture(autouse=True)
def behind(settings, monkeypatch):
    """A fresh process that stores its reports in batches; the thread never runs by itself
    (an hour apart) unless a test says so."""
    settings.LICENSEDESK_REPORT_FLUSH_SECONDS = 3600
    monkeypatch.setattr(writer, "writer", writer.ReportWriter())
    monkeypatch.setattr(writer.ReportWriter, "_start_thread", lambda self: None)


def a_minute_later(inst):
    Health.objects.filter(installation=inst).update(
        last_report_at=timezone.now() - timedelta(seconds=60)
    )
    writer.forget_accepted()


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


def test_a_batch_stores_the_reports_of_many_installations(client, world):
    installations = [monitored(world.org, world.license_admin) for _ in range(5)]
    for inst, token in installations[:4]:
        assert post(client, inst, token, report()).status_code == 202
    critical, critical_token = installations[4]
    assert post(client, critical, critical_token, report(host={"disk_pct": 99})).status_code == 202

    assert writer.writer.flush() == 5

    for inst, _ in installations[:4]:
        assert Health.objects.get(installation=inst).state == State.HEALTHY
        assert Report.objects.filter(installation=inst, state=State.HEALTHY).count() == 1
        assert Health.objects.get(installation=inst).last_report()["host"]["disk_pct"] == 50
    health = Health.objects.get(installation=critical)
    assert (health.state, health.reasons) == (State.CRITICAL, ["host disk 99% full"])
    assert StateChange.objects.filter(to_state=State.HEALTHY).count() == 4
    assert StateChange.objects.filter(to_state=State.CRITICAL).count() == 1


def test_a_bigger_batch_costs_no_more_statements(world):
    def statements(n):
        healths = [
            Health.objects.get(installation=monitored(world.org, world.license_admin)[0])
            for _ in range(n)
        ]
        with CaptureQueriesContext(connection) as captured:
            outcomes = writer.store_reports([pending(h) for h in healths])
        assert {outcome for outcome, _ in outcomes} == {WRITTEN}
        return len(captured)

    assert statements(10) == statements(2)


def test_a_report_the_database_refuses_fails_alone_and_is_logged(world, caplog):
    healths = [
        Health.objects.get(installation=monitored(world.org, world.license_admin)[0])
        for _ in range(4)
    ]
    bad = healths[2]
    entries = [pending(h) for h in healths]
    entries[2] = pending(bad, devices_offline=-1)  # past validation: a CHECK refuses it

    with caplog.at_level(logging.ERROR, logger="licensedesk.monitoring.writer"):
        outcomes = [outcome for outcome, _ in writer.store_reports(entries)]

    assert outcomes == [WRITTEN, WRITTEN, FAILED, WRITTEN]
    assert f"installation {bad.installation_id} could not be stored" in caplog.text
    for health in healths:
        stored = Report.objects.filter(installation_id=health.installation_id).count()
        assert stored == (0 if health == bad else 1)
    assert Health.objects.get(pk=bad.pk).last_report_at is None


def test_a_nul_character_in_a_report_loses_no_other_report_of_its_batch(client, world, caplog):
    installations = [monitored(world.org, world.license_admin) for _ in range(4)]
    (bad, bad_token), good = installations[1], installations[:1] + installations[2:]
    for inst, token in good:
        assert post(client, inst, token, report()).status_code == 202
    assert post(client, bad, bad_token, report(hostname="vms\x00evil")).status_code == 202

    with caplog.at_level(logging.ERROR, logger="licensedesk.monitoring.writer"):
        assert writer.writer.flush() == 4

    for inst, _ in good:
        assert Report.objects.filter(installation=inst).count() == 1
        assert Health.objects.get(installation=inst).state == State.HEALTHY
    # SQLite stores the NUL as sent, PostgreSQL refuses it: stored whole, or logged
    stored = Health.objects.get(installation=bad).hostname == "vms\x00evil"
    assert stored or f"installation {bad.pk} could not be stored" in caplog.text
    assert Report.objects.filter(installation=bad).count() == (1 if stored else 0)


def test_a_second_report_too_soon_is_refused_before_any_batch(client, world):
    inst, token = monitored(world.org, world.license_admin)
    assert post(client, inst, token, report()).status_code == 202
    again = post(client, inst, token, report())

    assert again.status_code == 429
    assert 1 <= int(again["Retry-After"]) <= writer.MIN_REPORT_GAP.total_seconds()
    writer.writer.flush()
    assert Report.objects.filter(installation=inst).count() == 1


def test_a_token_revoked_before_the_batch_stores_nothing_and_is_refused_next(client, world):
    inst, token = monitored(world.org, world.license_admin)
    assert post(client, inst, token, report()).status_code == 202
    writer.writer.flush()
    a_minute_later(inst)

    assert post(client, inst, token, report(host={"disk_pct": 99})).status_code == 202
    tokens.issue_token(world.license_admin, inst)  # rotated before the batch is stored
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
        pending(health, now=now - timedelta(seconds=30)),
        pending(health, now=now - timedelta(seconds=25)),
        pending(health, State.CRITICAL, ["x"], now=now),
    ]

    outcomes = [outcome for outcome, _ in writer.store_reports(entries)]

    assert outcomes == [WRITTEN, TOO_SOON, WRITTEN]
    assert Report.objects.filter(installation=inst).count() == 2
    assert Health.objects.get(installation=inst).state == State.CRITICAL


def test_a_batch_that_fails_is_logged_and_the_next_one_is_stored(
    client, world, monkeypatch, caplog
):
    first, first_token = monitored(world.org, world.license_admin)
    second, second_token = monitored(world.org, world.license_admin)
    assert post(client, first, first_token, report()).status_code == 202
    stored = writer.store_reports

    def broken(entries):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(writer, "store_reports", broken)
    with caplog.at_level(logging.ERROR, logger="licensedesk.monitoring.writer"):
        assert writer.writer.flush() == 0
    assert "1 status reports could not be stored" in caplog.text

    monkeypatch.setattr(writer, "store_reports", stored)
    assert post(client, second, second_token, report()).status_code == 202
    assert writer.writer.flush() == 1
    assert Report.objects.filter(installation=second).count() == 1


def test_a_new_process_starts_with_an_empty_buffer(world, monkeypatch):
    inst, _ = monitored(world.org, world.license_admin)
    health = Health.objects.get(installation=inst)
    writer.writer.submit(pending(health))
    assert writer.writer.pending() == 1

    monkeypatch.setattr(buffer.os, "getpid", lambda: -1)  # as after a fork
    writer.writer.submit(pending(health))
    assert writer.writer.pending() == 1  # the parent's report is the parent's to store


@pytest.mark.django_db(transaction=True)
def test_the_writer_thread_stores_the_reports_by_itself(world, settings, monkeypatch):
    settings.LICENSEDESK_REPORT_FLUSH_SECONDS = 0.02
    monkeypatch.setattr(writer.ReportWriter, "_start_thread", _real_start_thread)
    monkeypatch.setattr(writer, "writer", writer.ReportWriter())
    inst, _ = monitored(world.org, world.license_admin)
    health = Health.objects.get(installation=inst)

    writer.writer.submit(pending(health))

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
