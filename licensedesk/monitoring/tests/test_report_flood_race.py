"""On PostgreSQL, 20 reports of one installation arriving at the same moment store one."""

import pytest
from django.test import Client

from licensedesk.core.testing import needs_postgresql, race
from licensedesk.monitoring.models import Report, StateChange
from licensedesk.monitoring.tests.helpers import monitored, post, report

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_simultaneous_reports_of_one_installation_store_exactly_one(world):
    needs_postgresql()
    inst, token = monitored(world.org, world.license_admin)
    codes = race(lambda i: post(Client(), inst, token, report()).status_code, THREADS, 60)

    assert sorted(codes) == [202] + [429] * (THREADS - 1)
    assert Report.objects.filter(installation=inst).count() == 1
    assert StateChange.objects.filter(installation=inst).count() == 1  # pending → healthy
