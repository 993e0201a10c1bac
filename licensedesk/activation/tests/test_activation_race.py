"""On PostgreSQL, installations activating at the same moment never exceed the quota."""

import uuid

import pytest

from licensedesk.activation import services
from licensedesk.activation.models import Activation, ActiveDevice
from licensedesk.activation.tests.factories import activatable, lrq
from licensedesk.core.testing import needs_postgresql, race
from licensedesk.licenses.models import License

THREADS = 24
QUOTA = 10


def _race(work):
    return race(work, THREADS)


@pytest.mark.django_db(transaction=True)
def test_installations_racing_for_device_licenses_never_exceed_the_quota(world):
    needs_postgresql()
    lic = activatable(world.org, devices=QUOTA)
    requests = [
        lrq(lic.code, 3, installation=str(uuid.uuid4()), hostname=f"vms{i}") for i in range(THREADS)
    ]

    def activate(i):
        activation, _ = services.activate(world.license_admin, lic.code, requests[i])
        return activation.activated

    results = _race(activate)

    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == QUOTA
    assert ActiveDevice.objects.filter(installation__license=lic).count() == QUOTA
    assert License.objects.get(pk=lic.pk).devices_used == QUOTA
    assert Activation.objects.filter(license=lic).count() == THREADS


@pytest.mark.django_db(transaction=True)
def test_the_same_request_sent_many_times_at_once_is_processed_once(world):
    needs_postgresql()
    lic = activatable(world.org, devices=QUOTA)
    body = lrq(lic.code, 4)

    def activate(i):
        activation, replayed = services.activate(world.license_admin, lic.code, body)
        return activation.license_file, replayed

    results = _race(activate)

    assert all(isinstance(r, tuple) for r in results), results
    assert [replayed for _, replayed in results].count(False) == 1
    assert len({file for file, _ in results}) == 1
    assert Activation.objects.count() == 1
    assert License.objects.get(pk=lic.pk).devices_used == 4
