"""Monitored installations and status reports, good and bad, for the monitoring tests."""

import copy
import json
from datetime import UTC, datetime

from licensedesk.licenses.tests import factories
from licensedesk.monitoring import intake, tokens
from licensedesk.monitoring.models import Health, Installation
from licensedesk.monitoring.reports import StatusReport


def installation(org, *, grant_to=(), hostname="vms01", lic=None) -> Installation:
    """An installation (added by hand) on a license of `org`, not monitored yet."""
    lic = lic or factories.registered(org, grant_to=grant_to)
    return Installation.objects.create(
        license=lic,
        uuid=f"00000000-0000-4000-8000-{Installation.objects.count():012d}",
        hostname=hostname,
    )


def ingest(who: Health | tokens.Reporter, report: StatusReport, now=None) -> str:
    """Store `report` of the installation of `who` (its Health row, or what its token found)
    as the status endpoint does; returns its state."""
    reporter = who if isinstance(who, tokens.Reporter) else tokens.Reporter.of(who)
    return intake.receive(reporter, report, now=now)


def monitored(org, admin, **kwargs) -> tuple[Installation, str]:
    """(installation, its monitoring token), monitoring enabled by `admin`."""
    inst = installation(org, **kwargs)
    return inst, tokens.issue_token(admin, inst)


HEALTHY = {
    "sent_at": "2025-03-01T12:00:00Z",
    "product_version": "25.1",
    "hostname": "vms01.harbour.example",
    "uptime_s": 86400,
    "host": {"cpu_pct": 20.0, "memory_pct": 40.0, "disk_pct": 50.0},
    "servers": [
        {"name": "Management Server", "role": "management", "state": "running"},
        {
            "name": "Recording Server 1",
            "role": "recording",
            "state": "running",
            "storage_used_gb": 400.0,
            "storage_free_gb": 600.0,
        },
    ],
    "devices": {"total": 100, "online": 100, "offline": 0, "not_recording": 0},
    "offline_devices": [],
    "errors": [],
}


def report(**changes) -> dict:
    """A healthy report with `changes` merged in (one level deep for host, devices), and the
    recording server's fields as `recording={...}`."""
    data = copy.deepcopy(HEALTHY)
    recording = changes.pop("recording", None)
    if recording:
        data["servers"][1].update(recording)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    return data


def schema(**changes) -> StatusReport:
    return StatusReport(**report(**changes))


def post(client, inst, token, data, **extra):
    """POST a status report (a dict, or raw bytes) with the monitoring token."""
    body = data if isinstance(data, bytes | str) else json.dumps(data)
    return client.post(
        f"/api/v1/installations/{inst.pk}/status",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"} if token else {},
        **extra,
    )


T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
