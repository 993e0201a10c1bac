"""Several workers at once, in real threads with their own connections, on PostgreSQL:
SELECT … FOR UPDATE SKIP LOCKED must give every job to exactly one of them."""

import threading
import time
from collections import Counter

import pytest

from licensedesk.core.testing import needs_postgresql, race
from licensedesk.outbox import worker
from licensedesk.outbox.models import Job
from licensedesk.outbox.registry import HANDLERS

WORKERS = 4
JOBS = 60


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_run_the_same_job(monkeypatch):
    needs_postgresql("needs PostgreSQL row locks (SKIP LOCKED)")
    ran = []
    lock = threading.Lock()

    def handler(payload):
        time.sleep(0.002)  # widen the window for a double claim
        with lock:
            ran.append(payload["n"])

    monkeypatch.setitem(HANDLERS, "test.count", handler)
    Job.objects.bulk_create(Job(kind="test.count", payload={"n": n}) for n in range(JOBS))

    def work(i):
        while batch := worker.claim(limit=3, who=f"w{i}"):
            for job in batch:
                worker.run(job)

    errors = [r for r in race(work, WORKERS, timeout=60) if r is not None]

    assert errors == []
    assert Counter(ran) == Counter(range(JOBS))  # each job ran, and exactly once
    assert set(Job.objects.values_list("state", "attempts")) == {(Job.State.DONE, 1)}
    assert len(set(Job.objects.values_list("locked_by", flat=True))) > 1  # they did share
