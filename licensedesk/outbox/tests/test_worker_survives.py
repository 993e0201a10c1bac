"""The worker never dies of a database error: it logs it, takes a new connection, waits
(1 s doubling to 30 s) and goes on; once the database answers it works at full pace again.
`licensedesk serve` starts the worker again whenever it exits."""

import logging
import os
import signal
import sys
import time

import pytest
from django.db import OperationalError, connection

from licensedesk.core import supervise
from licensedesk.outbox import runner
from licensedesk.outbox.models import Job, WorkerHeartbeat
from licensedesk.outbox.registry import enqueue


def _run(steps, rounds):
    """run_forever for `rounds` turns of the loop; `steps` answer each turn (an exception is
    raised). Returns the waits it asked for."""
    waits, answers = [], iter(steps)

    def step():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    turns = iter(range(rounds))
    runner.run_forever(lambda: next(turns, None) is None, step=step, sleep=waits.append)
    return waits


@pytest.mark.django_db(transaction=True)
def test_database_errors_are_waited_out_longer_each_time_then_forgotten(caplog):
    down = OperationalError("the database system is shutting down")
    with caplog.at_level(logging.ERROR):
        waits = _run([down, down, down, down, down, down, 3, 0, down], rounds=9)
    assert waits == [1, 2, 4, 8, 16, 30, 1.0, 1]  # capped at 30 s, reset after a good turn
    assert "database error" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_broken_statement_does_not_stop_the_worker_and_due_jobs_still_run(run_jobs):
    def broken():
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    queued = enqueue("core.housekeeping", {})
    answers = []

    def step():
        if not answers:
            answers.append("broken")
            broken()
        answers.append("worked")
        return runner.work_once()

    turns = iter(range(2))
    runner.run_forever(lambda: next(turns, None) is None, step=step, sleep=lambda s: None)
    assert answers == ["broken", "worked"]
    queued.refresh_from_db()
    assert queued.state == Job.State.DONE


@pytest.mark.django_db(transaction=True)
def test_a_worker_beats_its_heartbeat():
    turns = iter(range(1))
    runner.run_forever(lambda: next(turns, None) is None, step=lambda: 0, sleep=lambda s: None)
    assert WorkerHeartbeat.objects.count() == 1


def _wait_for(condition, seconds=15):
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_serve_starts_an_exited_worker_again(monkeypatch, caplog):
    monkeypatch.setattr(supervise, "FIRST_WAIT", 0.05)
    watched = supervise.Supervisor([sys.executable, "-c", "import sys; sys.exit(3)"])
    with caplog.at_level(logging.ERROR):
        watched.start()
        try:
            assert _wait_for(lambda: watched.restarts >= 2)
        finally:
            watched.stop()
    assert "worker exited with code 3" in caplog.text


def test_a_worker_killed_with_sigkill_is_back_within_seconds(monkeypatch):
    monkeypatch.setattr(supervise, "FIRST_WAIT", 0.5)
    watched = supervise.Supervisor([sys.executable, "-c", "import time; time.sleep(120)"])
    watched.start()
    try:
        assert _wait_for(lambda: watched.process is not None)
        first = watched.process
        os.kill(first.pid, signal.SIGKILL)
        assert _wait_for(lambda: watched.process is not first and watched.process.poll() is None)
    finally:
        watched.stop()
    assert watched.process.poll() is not None  # stopping the supervisor stops the worker
