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
def test_asking_when_nothing_is_due_writes_nothing(every_minute, django_assert_num_queries):
    now = timezone.now()
    schedule.run_periodic(now)
    with django_assert_num_queries(1):  # one read, no transaction
        assert schedule.run_periodic(now + timedelta(seconds=10)) == []
