"""On PostgreSQL, installations activating at the same moment never exceed the quota."""

import threading
import uuid

import pytest
from django.db import connection

from licensedesk.activation import services
from licensedesk.activation.models import Activation, ActiveDevice
from licensedesk.activation.tests.factories import activatable, lrq
from licensedesk.licenses.models import License

THREADS = 24
QUOTA = 10


def _race(work):
    """Run work(i) in THREADS threads released together; each uses its own connection."""
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:
            results[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
def test_installations_racing_for_device_licenses_never_exceed_the_quota(world):
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency needs PostgreSQL")
    lic = activatable(world.org, devices=QUOTA)
    requests = [
        lrq(lic.code, 3, installation=str(uuid.uuid4()), hostname=f"vms{i}") for i in range(THREADS)
    ]

    def activate(i):
        activation, _ = services.activate(world.license_admin, lic, requests[i])
        return activation.activated

    results = _race(activate)

    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == QUOTA
    assert ActiveDevice.objects.filter(installation__license=lic).count() == QUOTA
    assert License.objects.get(pk=lic.pk).devices_used == QUOTA
    assert Activation.objects.filter(license=lic).count() == THREADS


@pytest.mark.django_db(transaction=True)
def test_the_same_request_sent_many_times_at_once_is_processed_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency needs PostgreSQL")
    lic = activatable(world.org, devices=QUOTA)
    body = lrq(lic.code, 4)

    def activate(i):
        activation, replayed = services.activate(world.license_admin, lic, body)
        return activation.license_file, replayed

    results = _race(activate)

    assert all(isinstance(r, tuple) for r in results), results
    assert [replayed for _, replayed in results].count(False) == 1
    assert len({file for file, _ in results}) == 1
    assert Activation.objects.count() == 1
    assert License.objects.get(pk=lic.pk).devices_used == 4
