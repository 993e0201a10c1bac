"""A report's token is looked up before its answer; if the installation's row changed in
between (offline detection, monitoring turned off, another report), the report is decided
again on the row as it is when the report is stored."""

from datetime import timedelta

import pytest

from licensedesk.core.ratelimit import RateLimited
from licensedesk.monitoring import offline, tokens
from licensedesk.monitoring.models import Health, Report, State, StateChange
from licensedesk.monitoring.tests.helpers import T0, ingest, monitored, schema


@pytest.fixture
def looked_up(world):
    """An installation that reported healthy at T0, and what its token lookup reads."""
    inst, token = monitored(world.org, world.license_admin)
    ingest(tokens.reporter_for(token), schema(), now=T0)
    return inst, token, tokens.reporter_for(token)


def test_a_state_changed_since_the_lookup_is_the_one_the_change_starts_from(looked_up):
    inst, _, reporter = looked_up
    later = T0 + timedelta(minutes=10)
    assert offline.detect_offline(later) == 1  # offline between the lookup and the write

    assert ingest(reporter, schema(), now=later) == State.HEALTHY

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
    ingest(tokens.reporter_for(token), schema(), now=T0 + timedelta(seconds=60))

    with pytest.raises(RateLimited):
        ingest(reporter, schema(), now=T0 + timedelta(seconds=65))
    assert Report.objects.filter(installation=inst).count() == 2


def test_monitoring_turned_off_since_the_lookup_stores_nothing(world, looked_up):
    inst, _, reporter = looked_up
    tokens.disable(world.license_admin, inst)

    with pytest.raises(tokens.TokenGone):
        ingest(reporter, schema(), now=T0 + timedelta(minutes=1))
    assert Report.objects.filter(installation=inst).count() == 1
    assert Health.objects.get(installation=inst).state == State.UNKNOWN


def test_a_state_change_is_written_with_the_report(looked_up):
    inst, _, reporter = looked_up
    at = T0 + timedelta(minutes=1)
    assert ingest(reporter, schema(host={"disk_pct": 99}), now=at) == State.CRITICAL

    change = StateChange.objects.filter(installation=inst).first()
    assert (change.from_state, change.to_state, change.at) == (State.HEALTHY, State.CRITICAL, at)
    assert change.reasons == ["host disk 99% full"]
    health = Health.objects.get(installation=inst)
    assert (health.state, health.severity, health.state_since) == (State.CRITICAL, 0, at)
    assert health.last_report()["host"]["disk_pct"] == 99
    stored = Report.objects.filter(installation=inst).order_by("-received_at").first()
    assert (stored.state, stored.received_at) == (State.CRITICAL, at)
