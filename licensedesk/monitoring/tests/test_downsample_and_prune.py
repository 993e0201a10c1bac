"""Raw reports are folded into hourly figures, kept 48 hours; hourly figures and state
changes are kept a year."""

from datetime import timedelta

import pytest

from licensedesk.monitoring import history
from licensedesk.monitoring.models import HourlyStat, Report, State, StateChange
from licensedesk.monitoring.tests.helpers import T0, monitored


@pytest.fixture
def inst(world):
    return monitored(world.org, world.license_admin)[0]


def raw(inst, at, state=State.HEALTHY, cpu=20.0, offline=0):
    return Report.objects.create(
        installation=inst,
        received_at=at,
        state=state,
        cpu=cpu,
        memory=50.0,
        devices_total=10,
        devices_offline=offline,
    )


def test_an_hour_of_reports_becomes_one_row(inst):
    for minute, state, cpu, offline in [
        (0, State.HEALTHY, 10, 0),
        (20, State.ATTENTION, 20, 1),
        (40, State.CRITICAL, 60, 4),
        (59, State.HEALTHY, 30, 0),
    ]:
        raw(inst, T0 + timedelta(minutes=minute), state, cpu, offline)
    done = history.downsample(T0 + timedelta(hours=1, minutes=5))
    assert done["hours"] == 1
    stat = HourlyStat.objects.get()
    assert stat.hour == T0 and stat.reports == 4
    assert (stat.healthy, stat.attention, stat.critical) == (2, 1, 1)
    assert stat.cpu_avg == 30 and stat.memory_avg == 50 and stat.devices_offline_max == 4


def test_the_current_hour_waits_until_it_is_over(inst):
    raw(inst, T0 + timedelta(minutes=10))
    assert history.downsample(T0 + timedelta(minutes=50))["hours"] == 0
    assert not HourlyStat.objects.exists()


def test_running_twice_updates_instead_of_duplicating(inst):
    raw(inst, T0)
    history.downsample(T0 + timedelta(hours=1))
    raw(inst, T0 + timedelta(minutes=30))  # a late report of the same hour
    history.downsample(T0 + timedelta(hours=2))
    assert HourlyStat.objects.get().reports == 2


def test_installations_are_kept_apart(world, inst):
    other = monitored(world.org, world.license_admin, hostname="vms02")[0]
    raw(inst, T0)
    raw(other, T0)
    raw(other, T0 + timedelta(minutes=1))
    history.downsample(T0 + timedelta(hours=1))
    assert dict(HourlyStat.objects.values_list("installation_id", "reports")) == {
        inst.pk: 1,
        other.pk: 2,
    }


def test_raw_reports_are_pruned_after_48_hours(inst):
    old = raw(inst, T0)
    kept = raw(inst, T0 + timedelta(hours=1))
    done = history.downsample(T0 + timedelta(hours=48, minutes=30))
    assert done["pruned_raw"] == 1
    assert list(Report.objects.values_list("pk", flat=True)) == [kept.pk]
    assert old.pk not in Report.objects.values_list("pk", flat=True)


def test_hourly_figures_and_changes_are_pruned_after_a_year(inst):
    HourlyStat.objects.create(installation=inst, hour=T0, reports=60)
    HourlyStat.objects.create(installation=inst, hour=T0 + timedelta(days=2), reports=60)
    StateChange.objects.create(installation=inst, from_state="healthy", to_state="offline", at=T0)
    done = history.downsample(T0 + timedelta(days=366))
    assert done["pruned_hourly"] == 1 and done["pruned_changes"] == 1
    assert HourlyStat.objects.get().hour == T0 + timedelta(days=2)


def test_the_downsample_job_runs(inst, run_jobs):
    from licensedesk.outbox.registry import enqueue

    enqueue("monitoring.downsample")
    assert run_jobs() == 1
