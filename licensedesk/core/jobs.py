"""Housekeeping: tables that only grow are trimmed once a day by the worker. Each app names
what it trims in its own jobs.py with `trims`; this one trims core's and the outbox's tables."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from licensedesk.core.models import RateLimitBucket
from licensedesk.outbox.models import Job
from licensedesk.outbox.registry import handler
from licensedesk.outbox.schedule import every

FINISHED_JOBS_KEPT = timedelta(days=30)
IDLE_BUCKETS_KEPT = timedelta(days=1)  # a bucket idle this long is full again anyway

# name -> func(now) that deletes what is past its keeping time and returns how many rows
TRIMS: dict[str, Callable[[datetime], int]] = {}


def trims(name: str):
    """Register `func(now)` to run at each housekeeping; its count is reported as `name`."""

    def register(func):
        TRIMS[name] = func
        return func

    return register


@trims("sessions")
def trim_sessions(now: datetime) -> int:
    return Session.objects.filter(expire_date__lt=now).delete()[0]


@trims("buckets")
def trim_buckets(now: datetime) -> int:
    idle_since = (now - IDLE_BUCKETS_KEPT).timestamp()
    return RateLimitBucket.objects.filter(stamp__lt=idle_since).delete()[0]


@trims("jobs")
def trim_jobs(now: datetime) -> int:
    return Job.objects.filter(
        state__in=[Job.State.DONE, Job.State.FAILED], finished_at__lt=now - FINISHED_JOBS_KEPT
    ).delete()[0]


def housekeep(now=None) -> dict:
    """Run every registered trim; returns how many rows each deleted, by name."""
    now = now or timezone.now()
    return {name: trim(now) for name, trim in TRIMS.items()}


@handler("core.housekeeping")
def housekeeping(payload: dict) -> None:
    housekeep()


every(timedelta(days=1), "core.housekeeping")
