"""On PostgreSQL, 20 reports of one installation arriving at the same moment store one."""

import pytest
from django.test import Client
from django.utils import timezone

from licensedesk.core.testing import needs_postgresql, race
from licensedesk.monitoring import writer
from licensedesk.monitoring.models import Health, Report, State, StateChange
from licensedesk.monitoring.tests.helpers import monitored, post, report, schema
from licensedesk.monitoring.tokens import Reporter

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_simultaneous_reports_of_one_installation_store_exactly_one(world):
    needs_postgresql()
    inst, token = monitored(world.org, world.license_admin)
    codes = race(lambda i: post(Client(), inst, token, report()).status_code, THREADS, 60)

    assert sorted(codes) == [202] + [429] * (THREADS - 1)
    assert Report.objects.filter(installation=inst).count() == 1
    assert StateChange.objects.filter(installation=inst).count() == 1  # pending → healthy


@pytest.mark.django_db(transaction=True)
def test_batches_of_many_processes_over_the_same_installations_store_each_report_once(world):
    # Web processes store their batches at the same moments; batches that share
    # installations lock their rows in one order (no deadlock), and of the reports of one
    # installation at one moment, one is stored and the others are too soon.
    needs_postgresql()
    healths = [
        Health.objects.get(installation=monitored(world.org, world.license_admin)[0])
        for _ in range(12)
    ]
    now = timezone.now()

    def store(i):
        mine = healths[::-1] if i % 2 else healths  # the same rows, in either order
        return [
            outcome
            for outcome, _ in writer.store_reports(
                [
                    writer.PendingReport.of(Reporter.of(h), schema(), State.HEALTHY, [], now)
                    for h in mine
                ]
            )
        ]

    outcomes = race(store, 8, 60)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    written = sum(o.count(writer.WRITTEN) for o in outcomes)
    too_soon = sum(o.count(writer.TOO_SOON) for o in outcomes)
    assert (written, too_soon) == (12, 12 * 7)
    assert Report.objects.filter(installation__health__in=healths).count() == 12
