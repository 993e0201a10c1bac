"""An installation's state follows from its report and its company's thresholds: each limit
on its own moves a healthy report to Attention or Critical, with the reason."""

import pytest

from licensedesk.monitoring import thresholds
from licensedesk.monitoring.models import State, Thresholds
from licensedesk.monitoring.reports import derive_state
from licensedesk.monitoring.tests.helpers import monitored, post, report, schema

DEFAULTS = Thresholds()


def state_of(**changes):
    return derive_state(schema(**changes), DEFAULTS)


def test_a_healthy_report_is_healthy_without_reasons():
    assert state_of() == (State.HEALTHY, [])


@pytest.mark.parametrize(
    ("changes", "state", "reason"),
    [
        ({"recording": {"state": "stopped"}}, State.CRITICAL, "Recording Server 1 (recording"),
        ({"recording": {"state": "degraded"}}, State.ATTENTION, "is degraded"),
        ({"recording": {"state": "unknown"}}, State.ATTENTION, "is unknown"),
        ({"recording": {"storage_used_gb": 850, "storage_free_gb": 150}}, State.ATTENTION, "85%"),
        ({"recording": {"storage_used_gb": 950, "storage_free_gb": 50}}, State.CRITICAL, "95%"),
        ({"devices": {"online": 95, "offline": 5}}, State.ATTENTION, "5 of 100 devices"),
        ({"devices": {"online": 75, "offline": 25}}, State.CRITICAL, "25 of 100 devices"),
        ({"devices": {"not_recording": 1}}, State.ATTENTION, "1 devices not recording"),
        ({"host": {"cpu_pct": 90}}, State.ATTENTION, "host CPU at 90%"),
        ({"host": {"memory_pct": 90}}, State.ATTENTION, "host memory at 90%"),
        ({"host": {"disk_pct": 97}}, State.CRITICAL, "host disk 97% full"),
    ],
)
def test_each_threshold_changes_the_state_at_its_limit(changes, state, reason):
    found, reasons = state_of(**changes)
    assert found == state
    assert any(reason in r for r in reasons), reasons


@pytest.mark.parametrize(
    "changes",
    [
        {"recording": {"storage_used_gb": 849, "storage_free_gb": 151}},
        {"devices": {"online": 96, "offline": 4}},
        {"host": {"cpu_pct": 89.9, "memory_pct": 89.9, "disk_pct": 96.9}},
    ],
)
def test_just_below_a_limit_stays_healthy(changes):
    assert state_of(**changes) == (State.HEALTHY, [])


def test_a_stopped_event_server_needs_attention_but_is_not_critical():
    servers = report()["servers"] + [{"name": "Events", "role": "event", "state": "stopped"}]
    assert state_of(servers=servers)[0] == State.ATTENTION


def test_a_report_without_a_management_server_needs_attention():
    state, reasons = state_of(servers=report()["servers"][1:])
    assert state == State.ATTENTION and reasons == ["no management server reported"]


def test_critical_lists_the_attention_reasons_too():
    state, reasons = state_of(host={"disk_pct": 99, "cpu_pct": 95})
    assert state == State.CRITICAL
    assert reasons == ["host disk 99% full", "host CPU at 95%"]


def test_no_devices_at_all_is_not_a_division_by_zero():
    devices = {"total": 0, "online": 0, "offline": 0, "not_recording": 0}
    assert state_of(devices=devices) == (State.HEALTHY, [])


def test_company_thresholds_apply_to_its_installations_only(world, client):
    Thresholds.objects.create(organization=world.org, cpu_attention_pct=50)
    ours, our_token = monitored(world.org, world.license_admin)
    theirs, their_token = monitored(world.other_org, world.outsider)
    busy = report(host={"cpu_pct": 60})
    assert post(client, ours, our_token, busy).status_code == 202
    assert post(client, theirs, their_token, busy).status_code == 202
    ours.health.refresh_from_db()
    theirs.health.refresh_from_db()
    assert ours.health.state == State.ATTENTION
    assert ours.health.reasons == ["host CPU at 60%"]
    assert theirs.health.state == State.HEALTHY


def test_saved_thresholds_apply_to_the_next_report(world, login, client):
    inst, token = monitored(world.org, world.license_admin)
    thresholds.thresholds_for(world.org.pk)  # cached with the defaults
    form = {f: getattr(DEFAULTS, f) for f in ("report_interval", "offline_after")} | {
        "hold_seconds": 120,
        "storage_attention_pct": 30,
        "storage_critical_pct": 60,
        "devices_offline_attention_pct": 5,
        "devices_offline_critical_pct": 25,
        "cpu_attention_pct": 90,
        "memory_attention_pct": 90,
        "disk_critical_pct": 97,
    }
    assert login(world.license_admin).post("/installations/thresholds/", form).status_code == 302
    assert post(client, inst, token, report()).status_code == 202
    inst.health.refresh_from_db()
    assert inst.health.state == State.ATTENTION
    assert inst.health.reasons == ["storage of Recording Server 1 is 40% full"]
