"""Periodic jobs without a scheduler daemon: every worker asks, and exactly one of them wins
each run through a conditional update."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from licensedesk.outbox.models import PeriodicTask
from licensedesk.outbox.registry import enqueue

# job kind -> interval; apps add theirs in their jobs.py with `every`.
PERIODIC: dict[str, timedelta] = {}


def every(interval: timedelta, kind: str) -> None:
    PERIODIC[kind] = interval


def run_periodic(now=None) -> list[str]:
    """Queue the periodic jobs that are due; returns their kinds."""
    now = now or timezone.now()
    queued = []
    # A plain read first: the worker asks every second, and on SQLite every transaction takes
    # the database's write lock.
    next_runs = dict(PeriodicTask.objects.values_list("name", "next_run_at"))
    for kind, interval in PERIODIC.items():
        if kind not in next_runs:
            try:
                with transaction.atomic():
                    PeriodicTask.objects.get_or_create(name=kind, defaults={"next_run_at": now})
            except IntegrityError:
                pass  # another worker created it
        elif next_runs[kind] > now:
            continue
        with transaction.atomic():
            won = PeriodicTask.objects.filter(name=kind, next_run_at__lte=now).update(
                next_run_at=now + interval, last_run_at=now
            )
            if won:
                enqueue(kind, {"scheduled_at": now.isoformat()}, max_attempts=3)
                queued.append(kind)
    return queued
