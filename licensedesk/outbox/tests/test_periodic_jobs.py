"""Periodic jobs without a scheduler: every worker asks, each run is queued exactly once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from licensedesk.outbox import schedule
from licensedesk.outbox.models import Job, PeriodicTask
from licensedesk.outbox.registry import HANDLERS


@pytest.fixture
def every_minute(monkeypatch):
    monkeypatch.setitem(HANDLERS, "test.tick", lambda payload: None)
    monkeypatch.setattr(schedule, "PERIODIC", {"test.tick": timedelta(minutes=1)})


@pytest.mark.django_db
def test_a_periodic_job_is_queued_once_per_interval(every_minute):
    now = timezone.now()
    assert schedule.run_periodic(now) == ["test.tick"]
    assert schedule.run_periodic(now) == []  # a second worker asking at once gets nothing
    assert schedule.run_periodic(now + timedelta(seconds=59)) == []
    assert schedule.run_periodic(now + timedelta(minutes=1)) == ["test.tick"]
    assert Job.objects.filter(kind="test.tick").count() == 2
    assert PeriodicTask.objects.get(name="test.tick").next_run_at == now + timedelta(minutes=2)


@pytest.mark.django_db
def test_asking_when_nothing_is_due_writes_nothing(every_minute, monkeypatch):
    # Workers ask every second: when nothing is due they only read, and open no transaction,
    # which on SQLite would take the database's write lock.
    now = timezone.now()
    schedule.run_periodic(now)
    runs = PeriodicTask.objects.values_list("next_run_at", "last_run_at")

    def no_transaction(*args, **kwargs):
        raise AssertionError("a transaction was opened with nothing due")

    before = list(runs)
    with monkeypatch.context() as patched:
        patched.setattr(schedule.transaction, "atomic", no_transaction)
        assert schedule.run_periodic(now + timedelta(seconds=10)) == []
    assert list(runs) == before
    assert Job.objects.filter(kind="test.tick").count() == 1
