"""The worker's loop. It never dies of a database error: a restarted or unreachable database
costs it a logged error, a new connection and a wait (1 s doubling to 30 s), then it goes on.
A job that raises is retried by its own policy (`worker.run`)."""

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from licensedesk.notifications.sender import send_due
from licensedesk.outbox.models import WorkerHeartbeat
from licensedesk.outbox.schedule import run_periodic
from licensedesk.outbox.worker import run_due_jobs, worker_id

log = logging.getLogger(__name__)

FIRST_WAIT = 1.0
LONGEST_WAIT = 30.0
BEAT_EVERY = timedelta(seconds=10)


def beat(who: str, now=None) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker=who, defaults={"beat_at": now or timezone.now()}
    )


def heartbeat_age(now=None) -> timedelta | None:
    """How long ago any worker last beat its heartbeat; None if none ever did."""
    last = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    return None if last is None else (now or timezone.now()) - last


def work_once() -> int:
    """Queue periodic jobs, run due jobs and deliveries; returns how many ran."""
    run_periodic()
    return run_due_jobs() + send_due()


def run_forever(
    stopping: Callable[[], bool],
    *,
    poll: float = 1.0,
    step: Callable[[], int] = work_once,
    sleep: Callable[[float], None] | None = None,
) -> None:
    """Work until `stopping()` says so, sleeping `poll` seconds whenever nothing was due."""

    def nap(seconds: float) -> None:  # in slices, so that a stop never waits for a backoff
        until = time.monotonic() + seconds
        while not stopping() and time.monotonic() < until:
            time.sleep(min(0.2, until - time.monotonic()))

    sleep = sleep or nap
    who, wait, last_beat = worker_id(), FIRST_WAIT, None
    while not stopping():
        try:
            close_old_connections()
            now = timezone.now()
            if last_beat is None or now - last_beat >= BEAT_EVERY:
                beat(who, now)
                last_beat = now
            ran = step()
        except DatabaseError:
            log.exception("worker: database error; retrying in %.0f s", wait)
            connection.close()  # a broken connection is replaced at the next try
            sleep(wait)
            wait = min(LONGEST_WAIT, wait * 2)
            continue
        wait = FIRST_WAIT
        if not ran:
            sleep(poll)
