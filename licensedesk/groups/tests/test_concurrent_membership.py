"""Concurrent changes of one group's membership never lose an addition (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from licensedesk.groups import services
from licensedesk.groups.tests.factories import group, members, registered

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_additions_are_all_kept(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers itself")
    grp = group(world.org, "Busy", by=world.license_admin)
    licenses = [registered(world.org) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors = []

    def add(lic):
        try:
            barrier.wait(timeout=30)
            services.add_licenses(world.license_admin, grp, ids=[lic.pk])
        except Exception as exc:  # reported below, with the thread's license
            errors.append((lic.code, exc))
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=add, args=(lic,)) for lic in licenses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert members(grp) == {lic.code for lic in licenses}
