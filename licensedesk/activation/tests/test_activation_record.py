"""What one activation leaves behind: its devices, the counters, the activation, the audit
event and the notification jobs; a request that is refused or fails writes none of it, and a
replay writes nothing more."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensedesk.activation import services
from licensedesk.activation.models import Activation, ActiveDevice
from licensedesk.activation.tests.factories import activatable, hardware_ids, lrq
from licensedesk.audit.models import AuditEvent
from licensedesk.core.errors import ServiceError
from licensedesk.licenses.models import License
from licensedesk.monitoring.models import Installation
from licensedesk.notifications import events
from licensedesk.outbox.models import Job

OTHER_INSTALLATION = "9d2e8c1b-3f4a-4b5c-8d6e-7f8a9b0c1d2e"


def _fanout_events():
    return sorted(j.payload["event"] for j in Job.objects.filter(kind="notifications.fanout"))


def _everything():
    """What activations write, to compare before and after."""
    return {
        "devices": sorted(ActiveDevice.objects.values_list("installation_id", "hardware_id")),
        "installations": sorted(
            Installation.objects.values_list("uuid", "hostname", "devices_active")
        ),
        "used": sorted(License.objects.values_list("pk", "devices_used")),
        "activations": Activation.objects.count(),
        "jobs": Job.objects.count(),
        "audit": AuditEvent.objects.filter(action="license.activate").count(),
    }


def test_an_activation_that_keeps_releases_activates_and_refuses_records_it_all(world):
    lic = activatable(world.org, devices=3)
    services.activate(world.license_admin, lic.code, lrq(lic.code, ["a", "b"]))
    Job.objects.all().delete()

    # "a" kept, "b" released, "c" and "d" new: the quota of 3 leaves room for "c" only.
    activation, replayed = services.activate(
        world.license_admin, lic.code, lrq(lic.code, ["a", "c", "d", "e"], hostname="vms02")
    )
    assert not replayed
    installation = Installation.objects.get()
    assert sorted(installation.devices.values_list("hardware_id", flat=True)) == ["a", "c", "d"]
    assert (installation.hostname, installation.devices_active) == ("vms02", 3)
    assert License.objects.get(pk=lic.pk).devices_used == 3
    assert (activation.kept, activation.activated, activation.released, activation.refused) == (
        1,
        2,
        1,
        1,
    )
    stored = Activation.objects.get(pk=activation.pk)
    assert stored.devices == {
        "kept": ["a"],
        "activated": ["c", "d"],
        "released": ["b"],
        "refused": ["e"],
    }
    assert (stored.installation, stored.created_by, stored.via) == (
        installation,
        world.license_admin,
        "web",
    )
    audit = AuditEvent.objects.filter(action="license.activate").latest("id")
    assert (audit.actor, audit.organization, audit.target_id) == (
        world.license_admin,
        world.org,
        str(lic.pk),
    )
    assert audit.changes == {
        "installation": str(installation.uuid),
        "activated": 2,
        "kept": 1,
        "released": 1,
        "refused": 1,
    }
    assert _fanout_events() == sorted([events.DEVICES_ACTIVATED, events.ACTIVATION_REFUSED])
    job = Job.objects.get(payload__event=events.DEVICES_ACTIVATED)
    assert (job.payload["license_id"], job.payload["organization_id"]) == (lic.pk, world.org.pk)
    assert job.payload["data"] == {
        "installation": "vms02",
        "activated": 2,
        "kept": 1,
        "released": 1,
        "refused": 1,
    }


def test_an_activation_with_nothing_new_or_refused_queues_no_notification(world):
    lic = activatable(world.org, devices=3)
    services.activate(world.license_admin, lic.code, lrq(lic.code, ["a"]))
    Job.objects.all().delete()
    activation, _ = services.activate(world.license_admin, lic.code, lrq(lic.code, ["a"]))
    assert (activation.kept, activation.activated) == (1, 0)
    assert _fanout_events() == []
    assert AuditEvent.objects.filter(action="license.activate").count() == 2


def test_a_refused_request_writes_nothing(world):
    lic = activatable(world.org, devices=3)
    before = _everything()
    with pytest.raises(ServiceError):
        services.activate(world.license_admin, lic.code, lrq("M01-C01-251-01-OTHER1", ["a"]))
    assert _everything() == before
    assert not Installation.objects.exists()


def test_a_failure_on_the_way_undoes_everything_the_activation_wrote(world, monkeypatch):
    lic = activatable(world.org, devices=3)
    services.activate(world.license_admin, lic.code, lrq(lic.code, ["a", "b"]))
    before = _everything()

    def fail(*args, **kwargs):
        raise RuntimeError("the audit log is down")

    # The audit event comes last, after the devices, counters, activation and jobs.
    monkeypatch.setattr(services.audit, "record", fail)
    with pytest.raises(RuntimeError):
        services.activate(world.license_admin, lic.code, lrq(lic.code, ["a", "c", "d"]))
    with pytest.raises(RuntimeError):
        services.activate(
            world.license_admin, lic.code, lrq(lic.code, ["x"], installation=OTHER_INSTALLATION)
        )
    assert _everything() == before


def test_a_replayed_request_writes_nothing_more(world):
    lic = activatable(world.org, devices=3)
    body = lrq(lic.code, ["a", "b", "c", "d"])
    first, _ = services.activate(world.license_admin, lic.code, body)
    before = _everything()
    again, replayed = services.activate(world.license_admin, lic.code, body)
    assert replayed and again == first
    assert _everything() == before


def test_many_devices_are_released_at_once(world):
    # More hardware ids than one statement may carry on SQLite.
    count = services.RELEASE_BATCH * 2 + 1
    lic = activatable(world.org, devices=count)
    services.activate(world.license_admin, lic.code, lrq(lic.code, count))
    activation, _ = services.activate(world.license_admin, lic.code, lrq(lic.code, ["cam-000007"]))
    assert (activation.kept, activation.released) == (1, count - 1)
    assert list(ActiveDevice.objects.values_list("hardware_id", flat=True)) == ["cam-000007"]
    assert License.objects.get(pk=lic.pk).devices_used == 1


def test_an_activation_costs_the_same_queries_whatever_its_number_of_devices(world):
    lic = activatable(world.org, devices=1000)
    counts = []
    for devices in (5, 100):
        installation = str(uuid.uuid4())
        ids = hardware_ids(devices, seed=f"cam{devices}")
        first = lrq(lic.code, [ids[0], "gone"], installation=installation)
        services.activate(world.license_admin, lic.code, first)
        # one kept, the rest new, one released
        with CaptureQueriesContext(connection) as ctx:
            services.activate(
                world.license_admin, lic.code, lrq(lic.code, ids, installation=installation)
            )
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_a_device_is_stored_exactly_as_its_request_described_it(world):
    from licensedesk_client import lrq as lrq_writer

    lic = activatable(world.org, devices=3)
    described = {
        "hardwareId": 'cam-"1"\\x',
        "mac": "00:40:8C:12:34:56",
        "manufacturer": "Åxis & Söhne",
        "model": "P3265-LVE {dome}",
        "name": 'Gate "north" — entrée',
        "type": "camera",
    }
    body = lrq_writer.make_lrq(lic.code, [described], installation_id=OTHER_INSTALLATION)
    activation, _ = services.activate(world.license_admin, lic.code, body)
    stored = ActiveDevice.objects.get()
    assert {
        "hardwareId": stored.hardware_id,
        "mac": stored.mac,
        "manufacturer": stored.manufacturer,
        "model": stored.model,
        "name": stored.name,
        "type": stored.type,
    } == described
    assert stored.activated_at == Installation.objects.get().last_activation_at
