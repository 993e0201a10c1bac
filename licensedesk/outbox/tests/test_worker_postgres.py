"""Several workers at once, in real threads with their own connections, on PostgreSQL:
SELECT … FOR UPDATE SKIP LOCKED must give every job to exactly one of them."""

import threading
import time
from collections import Counter

import pytest
from django.db import connection

from licensedesk.outbox import worker
from licensedesk.outbox.models import Job
from licensedesk.outbox.registry import HANDLERS

WORKERS = 4
JOBS = 60


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_run_the_same_job(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SKIP LOCKED)")
    ran = []
    lock = threading.Lock()

    def handler(payload):
        time.sleep(0.002)  # widen the window for a double claim
        with lock:
            ran.append(payload["n"])

    monkeypatch.setitem(HANDLERS, "test.count", handler)
    Job.objects.bulk_create(Job(kind="test.count", payload={"n": n}) for n in range(JOBS))
    barrier = threading.Barrier(WORKERS)
    errors = []

    def work(name):
        try:
            barrier.wait()
            while batch := worker.claim(limit=3, who=name):
                for job in batch:
                    worker.run(job)
        except Exception as exc:  # surfaced below: a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert Counter(ran) == Counter(range(JOBS))  # each job ran, and exactly once
    assert set(Job.objects.values_list("state", "attempts")) == {(Job.State.DONE, 1)}
    assert len(set(Job.objects.values_list("locked_by", flat=True))) > 1  # they did share
