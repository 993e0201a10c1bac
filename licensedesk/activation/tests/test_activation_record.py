"""What one activation leaves behind: its devices, the counters, the activation, the audit
event and the notification jobs. On PostgreSQL, everything it writes after locking the license
and finding the installation goes in one statement (a round trip costs both sides CPU, and
online activations are the hot path); a request that fails writes none of it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensedesk.activation import services
from licensedesk.activation.models import Activation, ActiveDevice
from licensedesk.activation.tests.factories import activatable, lrq
from licensedesk.audit.models import AuditEvent
from licensedesk.core.errors import ServiceError
from licensedesk.licenses.models import License
from licensedesk.monitoring.models import Installation
from licensedesk.notifications import events
from licensedesk.outbox.models import Job

WRITES = ("INSERT", "UPDATE", "DELETE", "WITH")
OTHER_INSTALLATION = "9d2e8c1b-3f4a-4b5c-8d6e-7f8a9b0c1d2e"


def _fanout_events():
    return sorted(j.payload["event"] for j in Job.objects.filter(kind="notifications.fanout"))


def test_an_activation_that_keeps_releases_activates_and_refuses_records_it_all(world):
    lic = activatable(world.org, devices=3)
    services.activate(world.license_admin, lic, lrq(lic.code, ["a", "b"]))
    Job.objects.all().delete()

    # "a" kept, "b" released, "c" and "d" new: the quota of 3 leaves room for "c" only.
    with CaptureQueriesContext(connection) as ctx:
        activation, replayed = services.activate(
            world.license_admin, lic, lrq(lic.code, ["a", "c", "d", "e"])
        )
    assert not replayed
    installation = Installation.objects.get()
    assert sorted(installation.devices.values_list("hardware_id", flat=True)) == ["a", "c", "d"]
    assert installation.devices_active == 3
    assert License.objects.get(pk=lic.pk).devices_used == 3
    assert (activation.kept, activation.activated, activation.released, activation.refused) == (
        1,
        2,
        1,
        1,
    )
    assert Activation.objects.get(pk=activation.pk).devices == {
        "kept": ["a"],
        "activated": ["c", "d"],
        "released": ["b"],
        "refused": ["e"],
    }
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

    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().startswith(WRITES)]
    if connection.vendor == "postgresql":
        # the installation's upsert, then one statement for all the rest
        assert len(writes) == 2, writes
        assert writes[0].startswith("INSERT INTO activation_installation")
        for table in (
            "DELETE FROM activation_activedevice",
            "INSERT INTO activation_activedevice",
            "UPDATE activation_installation",
            "UPDATE licenses_license",
            '"activation_activation"',
            '"outbox_job"',
            '"audit_auditevent"',
        ):
            assert table in writes[1], table


def test_an_activation_with_nothing_new_or_refused_queues_no_notification(world):
    lic = activatable(world.org, devices=3)
    services.activate(world.license_admin, lic, lrq(lic.code, ["a"]))
    Job.objects.all().delete()
    activation, _ = services.activate(world.license_admin, lic, lrq(lic.code, ["a"]))
    assert (activation.kept, activation.activated) == (1, 0)
    assert _fanout_events() == []
    assert AuditEvent.objects.filter(action="license.activate").count() == 2


def test_a_refused_request_writes_nothing(world):
    lic = activatable(world.org, devices=3)
    with pytest.raises(ServiceError):
        services.activate(world.license_admin, lic, lrq("M01-C01-251-01-OTHER1", ["a"]))
    assert not ActiveDevice.objects.exists() and not Activation.objects.exists()
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(action="license.activate").exists()


def test_a_device_is_stored_exactly_as_its_request_described_it(world):
    # Few devices travel to PostgreSQL as one JSON document: quotes, backslashes and
    # non-ASCII text must arrive as they were sent.
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
    services.activate(world.license_admin, lic, body)
    stored = ActiveDevice.objects.get()
    assert {
        "hardwareId": stored.hardware_id,
        "mac": stored.mac,
        "manufacturer": stored.manufacturer,
        "model": stored.model,
        "name": stored.name,
        "type": stored.type,
    } == described
