"""An installation that stops reporting goes Offline after `offline_after` report intervals
(3 × 60 s unless its company says otherwise); a report brings it back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from licensedesk.monitoring import offline, thresholds, tokens
from licensedesk.monitoring.models import Health, State, StateChange, Thresholds
from licensedesk.monitoring.tests.helpers import T0, ingest, installation, monitored, schema
from licensedesk.outbox.registry import enqueue


def reported(inst, at=T0, **changes):
    health = Health.objects.get(installation=inst)
    ingest(health, schema(**changes), now=at)
    return health


@pytest.fixture
def inst(world):
    inst, _ = monitored(world.org, world.license_admin)
    reported(inst)
    return inst


def state(inst):
    return Health.objects.get(installation=inst).state


def test_it_stays_online_up_to_three_intervals_of_silence(inst):
    assert offline.detect_offline(T0 + timedelta(seconds=180)) == 0
    assert state(inst) == State.HEALTHY


def test_it_goes_offline_after_three_intervals_of_silence(inst):
    assert offline.detect_offline(T0 + timedelta(seconds=181)) == 1
    health = Health.objects.get(installation=inst)
    assert health.state == State.OFFLINE
    assert health.state_since == T0 + timedelta(seconds=181)
    assert health.reasons == ["no report for more than 3 minutes (3 report intervals of 1 minute)"]
    change = StateChange.objects.filter(installation=inst).first()
    assert (change.from_state, change.to_state) == (State.HEALTHY, State.OFFLINE)


def test_it_is_detected_once(inst):
    assert offline.detect_offline(T0 + timedelta(minutes=5)) == 1
    assert offline.detect_offline(T0 + timedelta(minutes=10)) == 0
    assert StateChange.objects.filter(installation=inst, to_state=State.OFFLINE).count() == 1


def test_a_critical_installation_can_go_offline_too(world):
    inst, _ = monitored(world.org, world.license_admin)
    reported(inst, host={"disk_pct": 99})
    offline.detect_offline(T0 + timedelta(minutes=4))
    assert state(inst) == State.OFFLINE


def test_the_company_interval_and_count_apply(world, inst):
    Thresholds.objects.create(organization=world.org, report_interval=300, offline_after=2)
    thresholds.forget_thresholds(world.org.pk)  # as the thresholds page does
    assert offline.detect_offline(T0 + timedelta(seconds=599)) == 0
    assert offline.detect_offline(T0 + timedelta(seconds=601)) == 1
    assert Health.objects.get(installation=inst).reasons == [
        "no report for more than 10 minutes (2 report intervals of 5 minutes)"
    ]


def test_each_company_uses_its_own_limits(world, inst):
    Thresholds.objects.create(organization=world.other_org, report_interval=10, offline_after=1)
    theirs, _ = monitored(world.other_org, world.outsider)
    reported(theirs)
    assert offline.detect_offline(T0 + timedelta(seconds=60)) == 1
    assert state(theirs) == State.OFFLINE and state(inst) == State.HEALTHY


def test_pending_unknown_and_disabled_installations_never_go_offline(world, inst):
    pending, _ = monitored(world.org, world.license_admin, hostname="never-reported")
    off, _ = monitored(world.org, world.license_admin, hostname="switched-off")
    reported(off)
    tokens.disable(world.license_admin, off)
    unmonitored = installation(world.org, hostname="no-monitoring")
    assert offline.detect_offline(T0 + timedelta(days=1)) == 1  # `inst` only
    assert state(pending) == State.PENDING and state(off) == State.UNKNOWN
    assert not Health.objects.filter(installation=unmonitored).exists()


def test_a_report_brings_an_offline_installation_back(inst):
    offline.detect_offline(T0 + timedelta(minutes=5))
    reported(inst, at=T0 + timedelta(minutes=6))
    assert state(inst) == State.HEALTHY
    changes = list(
        StateChange.objects.filter(installation=inst)
        .order_by("at")
        .values_list("from_state", "to_state")
    )
    assert changes[-2:] == [(State.HEALTHY, State.OFFLINE), (State.OFFLINE, State.HEALTHY)]


def test_the_watch_job_detects_offline_installations(world, run_jobs):
    inst, _ = monitored(world.org, world.license_admin)
    reported(inst, at=timezone.now() - timedelta(minutes=10))
    enqueue("monitoring.watch")
    assert run_jobs() == 1
    assert state(inst) == State.OFFLINE
