"""A report is decided on what its token lookup read; if the installation's row changed in
between (offline detection, monitoring turned off, another report), the report is decided
again on the row as it is now — on PostgreSQL the one-statement write notices it, elsewhere the
locked write is the only one."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensedesk.core.errors import ServiceError
from licensedesk.core.ratelimit import RateLimited
from licensedesk.monitoring import services
from licensedesk.monitoring.models import Health, Report, State, StateChange
from licensedesk.monitoring.tests.helpers import T0, monitored, schema


@pytest.fixture
def looked_up(world):
    """An installation that reported healthy at T0, and what its token lookup reads."""
    inst, token = monitored(world.org, world.license_admin)
    services.ingest(services.health_for_token(token), schema(), now=T0)
    return inst, token, services.health_for_token(token)


def test_the_token_lookup_reads_what_a_report_needs(world, looked_up):
    inst, _, reporter = looked_up
    health = Health.objects.get(installation=inst)
    assert (reporter.pk, reporter.installation_id, reporter.organization_id) == (
        health.pk,
        inst.pk,
        world.org.pk,
    )
    assert services.health_for_token("ldmon_not-a-real-token") is None


def test_a_state_changed_since_the_lookup_is_the_one_the_change_starts_from(looked_up):
    inst, _, reporter = looked_up
    later = T0 + timedelta(minutes=10)
    assert services.detect_offline(later) == 1  # offline between the lookup and the write

    assert services.ingest(reporter, schema(), now=later) == State.HEALTHY

    change = StateChange.objects.filter(installation=inst).first()  # the newest
    assert (change.from_state, change.to_state) == (State.OFFLINE, State.HEALTHY)
    health = Health.objects.get(installation=inst)
    assert (health.state, health.state_since, health.last_report_at) == (
        State.HEALTHY,
        later,
        later,
    )
    assert Report.objects.filter(installation=inst).count() == 2


def test_a_report_stored_since_the_lookup_makes_this_one_too_soon(looked_up):
    inst, token, reporter = looked_up
    services.ingest(services.health_for_token(token), schema(), now=T0 + timedelta(seconds=60))

    with pytest.raises(RateLimited):
        services.ingest(reporter, schema(), now=T0 + timedelta(seconds=65))
    assert Report.objects.filter(installation=inst).count() == 2


def test_monitoring_turned_off_since_the_lookup_stores_nothing(world, looked_up):
    inst, _, reporter = looked_up
    services.disable(world.license_admin, inst)

    with pytest.raises(ServiceError) as refused:
        services.ingest(reporter, schema(), now=T0 + timedelta(minutes=1))
    assert refused.value.status == 401
    assert Report.objects.filter(installation=inst).count() == 1
    assert Health.objects.get(installation=inst).state == State.UNKNOWN


def test_a_state_change_is_written_with_the_report_in_one_go(looked_up):
    inst, _, reporter = looked_up
    at = T0 + timedelta(minutes=1)
    with CaptureQueriesContext(connection) as statements:
        assert services.ingest(reporter, schema(host={"disk_pct": 99}), now=at) == State.CRITICAL
    if connection.vendor == "postgresql":  # the row, the change and the raw report: one statement
        assert len(statements) == 1

    change = StateChange.objects.filter(installation=inst).first()
    assert (change.from_state, change.to_state, change.at) == (State.HEALTHY, State.CRITICAL, at)
    assert change.reasons == ["host disk 99% full"]
    health = Health.objects.get(installation=inst)
    assert (health.state, health.severity, health.state_since) == (State.CRITICAL, 0, at)
    assert health.last_report()["host"]["disk_pct"] == 99
    stored = Report.objects.filter(installation=inst).order_by("-received_at").first()
    assert (stored.state, stored.received_at) == (State.CRITICAL, at)
