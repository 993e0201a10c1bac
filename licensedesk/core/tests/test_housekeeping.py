"""Tables that only grow are trimmed by the worker: expired sessions, idle rate-limit
buckets, long-finished jobs and year-old sent deliveries; nothing that still matters."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from licensedesk.core import ratelimit
from licensedesk.core.jobs import housekeep
from licensedesk.core.models import RateLimitBucket
from licensedesk.outbox.models import Job

LIMIT = ratelimit.Limit(capacity=5, per_seconds=60)


@pytest.mark.django_db
def test_it_trims_what_is_past_its_keeping_time_and_keeps_the_rest():
    now = timezone.now()
    live, dead = SessionStore(), SessionStore()
    live.create()
    dead.create()
    Session.objects.filter(session_key=dead.session_key).update(expire_date=now - timedelta(1))
    ratelimit.consume("login-address", "10.0.0.1", LIMIT)
    ratelimit.consume("login-address", "10.0.0.2", LIMIT)
    RateLimitBucket.objects.filter(pk=RateLimitBucket.objects.order_by("id").first().pk).update(
        stamp=(now - timedelta(days=2)).timestamp()
    )
    old = Job.objects.create(kind="x", state=Job.State.DONE, finished_at=now - timedelta(days=40))
    recent = Job.objects.create(kind="x", state=Job.State.DONE, finished_at=now)
    waiting = Job.objects.create(kind="x", state=Job.State.QUEUED)

    removed = housekeep(now)

    assert removed["sessions"] == 1 and removed["buckets"] == 1 and removed["jobs"] == 1
    assert Session.objects.filter(session_key=live.session_key).exists()
    assert RateLimitBucket.objects.count() == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not Job.objects.filter(pk=old.pk).exists()
