"""The timeline of an installation's states comes from its state changes; uptime is the share
of the monitored time in which it was not Offline."""

from datetime import timedelta

import pytest

from licensedesk.monitoring import uptime
from licensedesk.monitoring.models import State, StateChange
from licensedesk.monitoring.tests.helpers import T0, installation


def h(hours):
    return T0 + timedelta(hours=hours)


@pytest.fixture
def inst(world):
    inst = installation(world.org)
    for at, old, new in [
        (0, State.PENDING, State.HEALTHY),
        (6, State.HEALTHY, State.OFFLINE),
        (9, State.OFFLINE, State.CRITICAL),
        (12, State.CRITICAL, State.HEALTHY),
    ]:
        StateChange.objects.create(installation=inst, from_state=old, to_state=new, at=h(at))
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


def test_uptime_counts_offline_time_only(inst):
    # 24 h window: 3 h offline out of 24 h monitored; Critical is up.
    assert uptime.uptime(inst, timedelta(hours=24), now=h(24)) == 87.5


def test_uptime_ignores_the_time_before_monitoring(inst):
    # 48 h window, but monitored for the last 24 h only.
    assert uptime.uptime(inst, timedelta(hours=48), now=h(24)) == 87.5


def test_uptime_of_an_installation_never_monitored_is_none(world):
    assert uptime.uptime(installation(world.org), timedelta(days=1), now=h(24)) is None


def test_uptime_is_100_when_it_never_went_offline(world):
    inst = installation(world.org)
    StateChange.objects.create(
        installation=inst, from_state=State.PENDING, to_state=State.ATTENTION, at=h(0)
    )
    assert uptime.uptime(inst, timedelta(days=7), now=h(24)) == 100.0


def test_time_without_monitoring_is_not_downtime(world, inst):
    StateChange.objects.create(
        installation=inst, from_state=State.HEALTHY, to_state=State.UNKNOWN, at=h(18)
    )
    # Up 3 + 3 + 6 = 15 h... of 6 + 3 + 3 + 6 = 18 h monitored.
    assert uptime.uptime(inst, timedelta(hours=24), now=h(24)) == round(100 * 15 / 18, 2)


def test_the_detail_page_and_api_show_the_uptimes(world, login, api):
    from licensedesk.monitoring.tests.helpers import monitored

    inst, _ = monitored(world.org, world.license_admin)
    page = login(world.license_admin).get(f"/installations/{inst.pk}/")
    assert [label for label, _ in page.context["uptimes"]] == ["24 h", "7 days", "30 days"]
    data = api(world.license_admin).get(f"/api/v1/installations/{inst.pk}").json()
    assert data["uptime_24h"] is None  # pending only: not monitored yet
    assert data["health"]["state"] == State.PENDING
