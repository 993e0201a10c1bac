"""On PostgreSQL, 20 reports of one installation arriving at the same moment store one."""

import threading

import pytest
from django.db import connection
from django.test import Client

from licensedesk.monitoring.models import Report, StateChange
from licensedesk.monitoring.tests.helpers import monitored, post, report

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_simultaneous_reports_of_one_installation_store_exactly_one(world):
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency needs PostgreSQL")
    inst, token = monitored(world.org, world.license_admin)
    barrier = threading.Barrier(THREADS)
    codes = [None] * THREADS

    def run(i):
        try:
            barrier.wait(timeout=30)
            codes[i] = post(Client(), inst, token, report()).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(codes) == [202] + [429] * (THREADS - 1)
    assert Report.objects.filter(installation=inst).count() == 1
    assert StateChange.objects.filter(installation=inst).count() == 1  # pending → healthy
