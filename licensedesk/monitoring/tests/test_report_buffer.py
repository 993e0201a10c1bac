"""A 202 means stored, or stored later for sure: while the database cannot be reached, a web
process holds the reports it accepted (licensedesk/monitoring/buffer.py) and stores them, in
their order, once it is back. The buffer is bounded: full, or the outage older than
LICENSEDESK_REPORT_OUTAGE_S, new reports get 503 with Retry-After and nothing is kept.

The database "goes away" here as PostgreSQL's statements fail while it restarts; the batches
are stored by hand with `writer.flush()` (the thread is tested in test_report_writer.py and,
against a real outage, in test_report_outage.py)."""

import logging
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from licensedesk.monitoring import thresholds, writer
from licensedesk.monitoring.models import Health, Report, State
from licensedesk.monitoring.tests.helpers import monitored, post, report
from licensedesk.monitoring.tests.test_report_writer import pending


@pytest.fixture(autouse=True)
def behind(settings, monkeypatch):
    """A fresh process that stores its reports in batches, stored by hand."""
    settings.LICENSEDESK_REPORT_FLUSH_SECONDS = 3600
    monkeypatch.setattr(writer, "writer", writer.ReportWriter())
    monkeypatch.setattr(writer.ReportWriter, "_start_thread", lambda self: None)


class Database:
    """down(): every statement fails as PostgreSQL's do while it restarts; up(): back."""

    def __init__(self, patch):
        self.patch = patch

    def down(self):
        def refuse(*args, **kwargs):
            raise OperationalError("connection refused: is the server running?")

        self.patch.setattr(CursorWrapper, "execute", refuse)
        self.patch.setattr(CursorWrapper, "executemany", refuse)

    def up(self):
        self.patch.undo()


@pytest.fixture
def database():
    with pytest.MonkeyPatch.context() as patch:  # back before the test database is cleaned
        yield Database(patch)


def stored(inst) -> int:
    return Report.objects.filter(installation=inst).count()


def test_reports_accepted_while_the_database_is_away_are_stored_when_it_is_back(
    client, world, database
):
    installations = [monitored(world.org, world.license_admin) for _ in range(3)]
    post(client, *installations[0], report())  # the process knows the tokens and thresholds
    writer.writer.flush()
    database.down()

    for inst, token in installations[1:]:
        assert post(client, inst, token, report(host={"disk_pct": 99})).status_code == 202
    assert writer.writer.flush() == 0  # the database is away: nothing lost, nothing stored
    assert writer.writer.pending() == 2
    assert writer.writer.unreachable_for() is not None

    database.up()
    assert writer.writer.flush() == 2
    assert writer.writer.pending() == 0 and writer.writer.unreachable_for() is None
    for inst, _ in installations[1:]:
        assert stored(inst) == 1
        assert Health.objects.get(installation=inst).state == State.CRITICAL


def test_held_reports_are_stored_in_the_order_they_were_accepted(world, monkeypatch):
    inst, _ = monitored(world.org, world.license_admin)
    health = Health.objects.get(installation=inst)
    now = timezone.now()
    earlier = [
        pending(health, State.CRITICAL, ["disk"], now=now - timedelta(seconds=40)),
        pending(health, State.ATTENTION, ["cpu"], now=now - timedelta(seconds=20)),
    ]
    last = pending(health, now=now)
    for entry in earlier:
        writer.writer.submit(entry)
    store = writer.store_reports

    def unreachable_while_a_report_comes(entries):
        writer.writer.submit(last)  # a request accepts it while the batch is being tried
        raise OperationalError("connection refused: is the server running?")

    monkeypatch.setattr(writer, "store_reports", unreachable_while_a_report_comes)
    assert writer.writer.flush() == 0
    assert writer.writer.pending() == 3

    monkeypatch.setattr(writer, "store_reports", store)
    assert writer.writer.flush() == 3

    # In another order, a later report would have made an earlier one "too soon".
    rows = Report.objects.filter(installation=inst).order_by("received_at")
    assert [r.state for r in rows] == [State.CRITICAL, State.ATTENTION, State.HEALTHY]
    assert Health.objects.get(installation=inst).state == State.HEALTHY


def test_a_full_buffer_answers_503_with_retry_after_and_keeps_nothing(
    client, world, settings, database
):
    settings.LICENSEDESK_REPORT_BUFFER = 2
    installations = [monitored(world.org, world.license_admin) for _ in range(3)]
    for inst, token in installations[:2]:
        assert post(client, inst, token, report()).status_code == 202
    full = post(client, *installations[2], report())

    assert full.status_code == 503
    assert full["Content-Type"] == "application/problem+json"
    assert full.json()["code"] == "temporarily_unavailable"
    assert int(full["Retry-After"]) > 0
    assert writer.writer.pending() == 2
    writer.writer.flush()
    assert stored(installations[2][0]) == 0
    # refused, not remembered: sent again once there is room, it is accepted
    assert post(client, *installations[2], report()).status_code == 202


def test_an_outage_longer_than_the_limit_answers_503_until_the_database_is_back(
    client, world, settings, database
):
    settings.LICENSEDESK_REPORT_OUTAGE_SECONDS = 0  # any failed batch is "too long ago"
    first, later = (monitored(world.org, world.license_admin) for _ in range(2))
    assert post(client, *later, report()).status_code == 202  # tokens learned
    writer.writer.flush()
    database.down()
    assert post(client, *first, report()).status_code == 202  # no batch has failed yet
    writer.writer.flush()

    writer.forget_accepted()  # as a minute later: not "too soon"
    refused = post(client, *first, report())
    refused_too = post(client, *later, report())
    assert (refused.status_code, refused_too.status_code) == (503, 503)
    assert int(refused_too["Retry-After"]) > 0
    assert writer.writer.pending() == 1

    database.up()
    assert writer.writer.flush() == 1
    assert stored(first[0]) == 1
    writer.forget_accepted()
    assert post(client, *later, report()).status_code == 202


def test_a_report_the_database_refuses_after_an_outage_fails_alone(world, database, caplog):
    healths = [
        Health.objects.get(installation=monitored(world.org, world.license_admin)[0])
        for _ in range(3)
    ]
    database.down()
    writer.writer.submit(pending(healths[0]))
    writer.writer.submit(pending(healths[1], devices_offline=-1))  # a CHECK refuses it
    writer.writer.submit(pending(healths[2]))
    writer.writer.flush()

    database.up()
    with caplog.at_level(logging.ERROR, logger="licensedesk.monitoring.writer"):
        assert writer.writer.flush() == 3

    counts = [Report.objects.filter(installation_id=h.installation_id).count() for h in healths]
    assert counts == [1, 0, 1]
    assert f"installation {healths[1].installation_id} could not be stored" in caplog.text
    assert writer.writer.pending() == 0


def test_a_report_that_needs_the_database_to_be_checked_gets_503_not_500(client, world, database):
    known = monitored(world.org, world.license_admin)
    assert post(client, *known, report()).status_code == 202  # learns the tokens of then
    issued_since = monitored(world.org, world.license_admin)
    database.down()

    response = post(client, *issued_since, report())

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) > 0
    assert writer.writer.pending() == 1  # the known installation's report only


def test_a_stopping_process_stores_what_it_holds_once_the_database_answers(world, database):
    health = Health.objects.get(installation=monitored(world.org, world.license_admin)[0])
    database.down()
    writer.writer.submit(pending(health))
    assert writer.writer.drain(seconds=0) == 1  # gives up at once: logged, counted

    database.up()
    assert writer.writer.drain() == 0
    assert Report.objects.filter(installation_id=health.installation_id).count() == 1


def test_a_known_installation_is_accepted_after_its_thresholds_minute_while_away(
    client, world, database, monkeypatch
):
    monkeypatch.setattr(thresholds, "KEPT_SECONDS", 0)  # every report reads them again
    first, second = (monitored(world.org, world.license_admin) for _ in range(2))
    assert post(client, *first, report()).status_code == 202
    database.down()

    assert post(client, *second, report(host={"disk_pct": 99})).status_code == 202

    database.up()
    assert writer.writer.flush() == 2
    assert Health.objects.get(installation=second[0]).state == State.CRITICAL
