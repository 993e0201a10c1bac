"""The timeline of an installation's states comes from its state changes; uptime is the share
of the monitored time in which it was Healthy or Attention, so that it agrees with the states
shown beside it: Critical and Offline are down, Pending and Unknown are not monitored."""

from datetime import timedelta

import pytest

from licensedesk.monitoring import uptime
from licensedesk.monitoring.models import State, StateChange
from licensedesk.monitoring.tests.helpers import T0, installation


def h(hours):
    return T0 + timedelta(hours=hours)


def changes(inst, *steps):
    previous = State.PENDING
    for at, new in steps:
        StateChange.objects.create(installation=inst, from_state=previous, to_state=new, at=at)
        previous = new


@pytest.fixture
def inst(world):
    inst = installation(world.org)
    changes(
        inst,
        (h(0), State.HEALTHY),
        (h(6), State.OFFLINE),
        (h(9), State.CRITICAL),
        (h(12), State.HEALTHY),
    )
    return inst


def test_the_timeline_covers_the_window_in_segments(inst):
    assert uptime.timeline(inst, h(3), h(24)) == [
        (State.HEALTHY, h(3), h(6)),
        (State.OFFLINE, h(6), h(9)),
        (State.CRITICAL, h(9), h(12)),
        (State.HEALTHY, h(12), h(24)),
    ]


def test_the_timeline_starts_with_the_state_before_the_window(inst):
    assert uptime.timeline(inst, h(7), h(8)) == [(State.OFFLINE, h(7), h(8))]


def test_the_timeline_is_empty_before_any_change(inst):
    assert uptime.timeline(inst, h(-10), h(-1)) == []


def test_critical_and_offline_time_are_down(inst):
    # 24 h monitored: 3 h Offline and 3 h Critical.
    assert uptime.uptime(inst, timedelta(hours=24), now=h(24)) == 75.0


def test_attention_is_up(world):
    inst = installation(world.org)
    changes(inst, (h(0), State.ATTENTION))
    assert uptime.uptime(inst, timedelta(days=7), now=h(24)) == 100.0


def test_an_installation_critical_all_day_has_no_uptime_that_day(world):
    inst = installation(world.org)
    changes(inst, (h(-48), State.HEALTHY), (h(-1), State.CRITICAL))
    assert uptime.uptime(inst, timedelta(hours=24), now=h(24)) == 0.0
    assert 0 < uptime.uptime(inst, timedelta(days=7), now=h(24)) < 100


def test_a_moment_down_is_never_shown_as_100(world):
    inst = installation(world.org)
    changes(inst, (h(0), State.HEALTHY), (h(23) + timedelta(minutes=59), State.CRITICAL))
    assert uptime.uptime(inst, timedelta(hours=24), now=h(24)) == 99.9


def test_uptime_ignores_the_time_before_monitoring(inst):
    # 48 h window, but monitored for the last 24 h only.
    assert uptime.uptime(inst, timedelta(hours=48), now=h(24)) == 75.0


def test_uptime_of_an_installation_never_monitored_is_none(world):
    assert uptime.uptime(installation(world.org), timedelta(days=1), now=h(24)) is None


def test_time_without_monitoring_is_neither_up_nor_down(inst):
    StateChange.objects.create(
        installation=inst, from_state=State.HEALTHY, to_state=State.UNKNOWN, at=h(18)
    )
    # Up 6 + 6 = 12 h of 18 h monitored.
    assert uptime.uptime(inst, timedelta(hours=24), now=h(24)) == 66.6


def test_the_time_in_each_state_adds_up_to_the_monitored_time(inst):
    [day] = uptime.uptimes(inst, now=h(24), windows=(("24 h", timedelta(hours=24)),))
    assert day.in_state == [
        (State.CRITICAL, timedelta(hours=3)),
        (State.OFFLINE, timedelta(hours=3)),
        (State.HEALTHY, timedelta(hours=18)),
    ]
    assert day.monitored == timedelta(hours=24)


def test_a_young_installation_is_measured_since_monitoring_started(world):
    inst = installation(world.org)
    changes(inst, (h(0), State.HEALTHY))
    day, week, month = uptime.uptimes(inst, now=h(0) + timedelta(minutes=3))
    assert day.young and week.young and month.young
    assert day.started == h(0) and day.monitored == timedelta(minutes=3)


def test_an_installation_older_than_the_window_is_not_young(inst):
    day, week, _ = uptime.uptimes(inst, now=h(48))
    assert not day.young and week.young
