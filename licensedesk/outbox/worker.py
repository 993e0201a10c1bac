"""Claiming and running jobs. Several workers may run at once: on PostgreSQL rows are claimed
with SELECT … FOR UPDATE SKIP LOCKED; on SQLite the immediate transaction serialises claims.
A claim is a lease: a worker killed mid-job leaves a row that another worker takes again once
the lease expires, so nothing is lost (handlers must therefore be safe to run twice)."""

import logging
import os
import socket
import traceback
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from licensedesk.outbox.models import Job
from licensedesk.outbox.registry import HANDLERS

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s … capped at an hour."""
    return min(MAX_BACKOFF, timedelta(seconds=10 * 2 ** max(0, attempts - 1)))


def claim_rows(model, due: Q, order_by: tuple, who: str, limit: int, **updates) -> list[int]:
    """Claim up to `limit` due rows of an outbox table (jobs, deliveries) for worker `who`:
    SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL (the immediate transaction serialises it on
    SQLite), then mark them `locked_by=who` with `updates`. Returns the claimed ids."""
    if not model.objects.filter(due).exists():
        return []  # a plain read: most polls find nothing, and need no lock
    with transaction.atomic():
        ids = list(
            model.objects.select_for_update(skip_locked=True)
            .filter(due)
            .order_by(*order_by)
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            model.objects.filter(id__in=ids).update(locked_by=who, **updates)
    return ids


def claim(limit: int = 20, who: str | None = None) -> list[Job]:
    """Take up to `limit` due jobs for this worker."""
    now = timezone.now()
    who = who or worker_id()
    due = Q(state=Job.State.QUEUED, run_at__lte=now) | Q(
        state=Job.State.RUNNING, locked_until__lt=now
    )
    ids = claim_rows(
        Job,
        due,
        ("run_at", "id"),
        who,
        limit,
        state=Job.State.RUNNING,
        locked_until=now + LEASE,
        attempts=F("attempts") + 1,
    )
    return list(Job.objects.filter(id__in=ids, locked_by=who).order_by("run_at", "id"))


def run(job: Job) -> bool:
    """Run one claimed job; True if it succeeded."""
    handler = HANDLERS.get(job.kind)
    try:
        if handler is None:
            raise LookupError(f"No handler for job kind {job.kind!r}")
        handler(job.payload)
    except Exception as exc:
        log.warning("job %s failed (attempt %s): %s", job.pk, job.attempts, exc)
        finished = job.attempts >= job.max_attempts
        Job.objects.filter(pk=job.pk, locked_by=job.locked_by).update(
            state=Job.State.FAILED if finished else Job.State.QUEUED,
            run_at=timezone.now() + backoff(job.attempts),
            last_error="".join(traceback.format_exception_only(exc)).strip()[:2000],
            locked_until=None,
            finished_at=timezone.now() if finished else None,
        )
        return False
    Job.objects.filter(pk=job.pk, locked_by=job.locked_by).update(
        state=Job.State.DONE, locked_until=None, finished_at=timezone.now(), last_error=""
    )
    return True


def run_due_jobs(limit: int = 100) -> int:
    """Claim and run due jobs until none are left or `limit` have run; returns how many ran."""
    done = 0
    while done < limit:
        batch = claim(min(20, limit - done))
        if not batch:
            break
        for job in batch:
            run(job)
            done += 1
    return done
