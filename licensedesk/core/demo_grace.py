"""Demo installations with device licenses to activate: one whose devices' grace period ends
in 3 days, one whose grace ran out (its cameras stopped recording, no changes left).
Idempotent; the demo profile hears of them once the worker runs."""

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from licensedesk.licenses.models import License
from licensedesk.monitoring import tokens
from licensedesk.monitoring.models import SEVERITY, Health, Installation, LatestReport, State
from licensedesk.monitoring.reports import StatusReport
from licensedesk.monitoring.writer import LICENSE_FIELDS, license_values

DEVICES = 24
# host name, state, reasons, devices in grace, days to its end, expired, changes used of 10
SITES = [
    ("vms-parking-07", State.HEALTHY, [], 4, 3, 0, 3),
    (
        "vms-warehouse-08",
        State.ATTENTION,
        ["6 devices not recording"],
        0,
        None,
        6,
        10,
    ),
]


def _report(hostname, now, in_grace, days, expired, used) -> StatusReport:
    ends = now + timedelta(days=days) if in_grace else None
    return StatusReport.model_validate(
        {
            "sent_at": now.isoformat(),
            "product_version": "25.1",
            "hostname": hostname,
            "uptime_s": 12 * 86400,
            "host": {"cpu_pct": 31, "memory_pct": 52, "disk_pct": 40},
            "servers": [
                {"name": "Management Server", "role": "management", "state": "running"},
                {
                    "name": "Recording Server 1",
                    "role": "recording",
                    "state": "running",
                    "storage_used_gb": 1500,
                    "storage_free_gb": 2500,
                },
            ],
            "devices": {
                "total": DEVICES,
                "online": DEVICES,
                "offline": 0,
                "not_recording": expired,
            },
            "licenses": {
                "activated": DEVICES - in_grace - expired,
                "in_grace": in_grace,
                "grace_expired": expired,
                "not_licensed": 0,
                "grace_ends_at": ends.isoformat() if ends else None,
                "changes_without_activation": {"used": used, "allowed": 10},
            },
        }
    )


@transaction.atomic
def create_demo_grace(admin) -> None:
    """The two installations on the company of `admin`, unless they are there already."""
    org = admin.organization
    if Installation.objects.filter(license__organization=org, hostname=SITES[0][0]).exists():
        return
    licenses = list(License.objects.filter(organization=org).order_by("-id")[: len(SITES)])
    now = timezone.now()
    for lic, (hostname, state, reasons, in_grace, days, expired, used) in zip(
        licenses, SITES, strict=False
    ):
        installation = Installation.objects.create(
            license=lic, uuid=uuid.uuid4(), hostname=hostname, product_version="25.1"
        )
        report = _report(hostname, now - timedelta(seconds=30), in_grace, days, expired, used)
        health = Health.objects.create(
            installation=installation,
            organization_id=lic.organization_id,
            token_digest=tokens.digest(f"demo-{uuid.uuid4()}"),
            token_prefix="ldmon_demo",
            state=state,
            severity=SEVERITY[state],
            state_since=now - timedelta(days=2),
            alerted_state=state,
            reasons=reasons,
            last_report_at=now - timedelta(seconds=30),
            product_version="25.1",
            hostname=hostname,
            **dict(zip(LICENSE_FIELDS, license_values(report.licenses), strict=True)),
        )
        LatestReport.objects.create(health=health, report=report.model_dump(mode="json"))
