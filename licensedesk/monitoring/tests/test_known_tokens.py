"""A web process remembers the monitoring tokens it has seen, so that on PostgreSQL a report
is one statement; the statement checks the token again on the row, so a revoked or rotated
token, or monitoring turned off, is refused at once all the same."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from licensedesk.monitoring import services
from licensedesk.monitoring.models import Health, Report
from licensedesk.monitoring.tests.helpers import monitored, post, report


@pytest.fixture(autouse=True)
def fresh_process():
    services.forget_known_tokens()
    yield
    services.forget_known_tokens()


@pytest.fixture
def target(world):
    services.forget_thresholds(world.org.pk)
    return monitored(world.org, world.license_admin)


def a_minute_later(inst):
    Health.objects.filter(installation=inst).update(
        last_report_at=timezone.now() - timedelta(seconds=60)
    )


def statements_of(client, inst, token):
    with CaptureQueriesContext(connection) as statements:
        response = post(client, inst, token, report())
    return response.status_code, len(statements)


def test_a_known_token_costs_one_statement_on_postgresql(client, target):
    inst, token = target
    first = statements_of(client, inst, token)
    a_minute_later(inst)
    second = statements_of(client, inst, token)
    if connection.vendor == "postgresql":
        # the token, the company's thresholds (then cached for a minute), the report; then
        # the report alone
        assert (first, second) == ((202, 3), (202, 1))
    else:
        assert first[0] == second[0] == 202
    assert Report.objects.filter(installation=inst).count() == 2


def test_a_token_revoked_after_it_was_seen_is_refused_at_once(client, world, target):
    inst, token = target
    assert post(client, inst, token, report()).status_code == 202
    new_token = services.issue_token(world.license_admin, inst)  # rotation revokes the old one
    a_minute_later(inst)

    assert post(client, inst, token, report()).status_code == 401
    assert post(client, inst, new_token, report()).status_code == 202
    assert Report.objects.filter(installation=inst).count() == 2


def test_monitoring_turned_off_after_the_token_was_seen_stores_nothing(client, world, target):
    inst, token = target
    assert post(client, inst, token, report()).status_code == 202
    services.disable(world.license_admin, inst)
    a_minute_later(inst)

    assert post(client, inst, token, report()).status_code == 401
    assert Report.objects.filter(installation=inst).count() == 1


def test_a_known_token_still_speaks_only_for_its_installation(client, world, target):
    inst, token = target
    other, _ = monitored(world.org, world.license_admin, hostname="vms02")
    assert post(client, inst, token, report()).status_code == 202
    assert post(client, other, token, report()).status_code == 404
    assert not Report.objects.filter(installation=other).exists()


def test_a_bad_body_with_a_known_token_stores_nothing(client, target):
    inst, token = target
    assert post(client, inst, token, report()).status_code == 202
    a_minute_later(inst)
    assert post(client, inst, token, report(host={"cpu_pct": 200})).status_code == 422
    assert Report.objects.filter(installation=inst).count() == 1


def test_a_process_learns_every_enabled_token_at_its_first_report(client, world, target):
    inst, token = target
    other, other_token = monitored(world.org, world.license_admin, hostname="vms02")
    off, off_token = monitored(world.org, world.license_admin, hostname="vms03")
    services.disable(world.license_admin, off)

    assert post(client, inst, token, report()).status_code == 202  # this process's first
    assert services.digest(other_token) in services._known_tokens
    assert services.digest(off_token) not in services._known_tokens

    with CaptureQueriesContext(connection) as statements:
        assert post(client, other, other_token, report()).status_code == 202
    if connection.vendor == "postgresql":
        assert len(statements) == 1  # no lookup of its token: the report's statement alone
    assert post(client, off, off_token, report()).status_code == 401
    assert not Report.objects.filter(installation=off).exists()


def test_a_token_issued_after_the_first_report_is_still_found(client, world, target):
    inst, token = target
    assert post(client, inst, token, report()).status_code == 202
    later, later_token = monitored(world.org, world.license_admin, hostname="vms04")
    assert post(client, later, later_token, report()).status_code == 202
    assert Report.objects.filter(installation=later).count() == 1
