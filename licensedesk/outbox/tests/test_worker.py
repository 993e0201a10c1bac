from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from licensedesk.outbox import worker
from licensedesk.outbox.models import Job
from licensedesk.outbox.registry import HANDLERS, enqueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    """Handlers `test.ok` (records its payload) and `test.fail` (raises)."""
    seen = []

    def fail(payload):
        raise ValueError(f"SMTP said no to {payload.get('to')}")

    monkeypatch.setitem(HANDLERS, "test.ok", seen.append)
    monkeypatch.setitem(HANDLERS, "test.fail", fail)
    return seen


def make_due(job):
    Job.objects.filter(pk=job.pk).update(run_at=timezone.now() - timedelta(seconds=1))


def test_it_runs_due_jobs_and_marks_them_done(calls):
    job = enqueue("test.ok", {"n": 1})
    assert worker.run_due_jobs() == 1
    assert calls == [{"n": 1}]
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert job.attempts == 1
    assert job.finished_at is not None
    assert job.locked_until is None


def test_it_runs_each_job_once(calls):
    enqueue("test.ok", {"n": 1})
    worker.run_due_jobs()
    assert worker.run_due_jobs() == 0
    assert len(calls) == 1


def test_it_leaves_jobs_that_are_not_due_yet(calls):
    enqueue("test.ok", {"n": 1}, run_at=timezone.now() + timedelta(minutes=5))
    assert worker.run_due_jobs() == 0
    assert calls == []


def test_it_runs_jobs_in_order(calls):
    now = timezone.now()
    enqueue("test.ok", {"n": 2}, run_at=now - timedelta(seconds=1))
    enqueue("test.ok", {"n": 1}, run_at=now - timedelta(seconds=2))
    enqueue("test.ok", {"n": 3})
    worker.run_due_jobs()
    assert [c["n"] for c in calls] == [1, 2, 3]


def test_a_failure_is_retried_with_backoff_and_its_error_kept(calls):
    job = enqueue("test.fail", {"to": "a@b.example"})
    before = timezone.now()
    assert worker.run_due_jobs() == 1
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED
    assert job.attempts == 1
    assert "SMTP said no to a@b.example" in job.last_error
    assert "ValueError" in job.last_error
    assert job.run_at >= before + timedelta(seconds=10)
    assert worker.run_due_jobs() == 0  # not before the backoff is over

    make_due(job)
    before = timezone.now()
    worker.run_due_jobs()
    job.refresh_from_db()
    assert job.attempts == 2
    assert job.run_at >= before + timedelta(seconds=20)


def test_backoff_doubles_and_is_capped_at_an_hour():
    assert [worker.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert worker.backoff(30) == timedelta(hours=1)


def test_a_job_fails_for_good_after_max_attempts(calls):
    job = enqueue("test.fail", {}, max_attempts=3)
    for _ in range(3):
        make_due(job)
        worker.run_due_jobs()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.attempts == 3
    assert job.finished_at is not None
    assert job.last_error
    make_due(job)
    assert worker.run_due_jobs() == 0


def test_a_success_after_failures_clears_the_error(calls, monkeypatch):
    job = enqueue("test.fail", {})
    worker.run_due_jobs()
    monkeypatch.setitem(HANDLERS, "test.fail", calls.append)
    make_due(job)
    worker.run_due_jobs()
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert job.last_error == ""


def test_an_expired_lease_is_reclaimed(calls):
    job = enqueue("test.ok", {"n": 1})
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING,
        locked_by="dead-host:1",
        attempts=1,
        locked_until=timezone.now() - timedelta(seconds=1),
    )
    assert worker.run_due_jobs() == 1
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert job.attempts == 2
    assert calls == [{"n": 1}]


def test_a_live_lease_is_respected(calls):
    job = enqueue("test.ok", {"n": 1})
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING,
        locked_by="busy-host:1",
        locked_until=timezone.now() + timedelta(minutes=1),
    )
    assert worker.run_due_jobs() == 0
    assert calls == []


def test_a_worker_whose_lease_was_taken_over_cannot_overwrite_the_result(calls, monkeypatch):
    job = enqueue("test.fail", {})
    [slow] = worker.claim(who="slow:1")
    Job.objects.filter(pk=job.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    [fast] = worker.claim(who="fast:2")
    monkeypatch.setitem(HANDLERS, "test.fail", calls.append)
    assert worker.run(fast)
    monkeypatch.delitem(HANDLERS, "test.fail")
    assert not worker.run(slow)  # finishes late, with an error: must not undo fast's work
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert job.locked_by == "fast:2"
    assert job.last_error == ""


def test_an_unknown_kind_fails_cleanly(calls):
    job = Job.objects.create(kind="no.such.kind", max_attempts=1)
    ok = enqueue("test.ok", {"n": 1})
    assert worker.run_due_jobs() == 2
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "no.such.kind" in job.last_error
    ok.refresh_from_db()
    assert ok.state == Job.State.DONE


def test_enqueue_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        enqueue("no.such.kind", {})
    assert not Job.objects.exists()


def test_a_job_enqueued_in_a_rolled_back_transaction_never_exists(calls):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue("test.ok", {"n": 1})
        raise RuntimeError("the change failed")
    assert not Job.objects.exists()
    assert worker.run_due_jobs() == 0


def test_the_worker_command_runs_due_jobs_once(calls, capsys):
    jobs = [enqueue("test.ok", {"n": 1}), enqueue("test.ok", {"n": 2})]
    call_command("worker", "--once")
    assert "ran " in capsys.readouterr().out  # periodic work may add to the count
    assert sorted(c["n"] for c in calls) == [1, 2]
    assert {j.state for j in Job.objects.filter(pk__in=[j.pk for j in jobs])} == {Job.State.DONE}
