"""Demo installations with a week of history in every state, a Care reminder and a
notification profile. Idempotent."""

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from licensedesk.accounts.models import User
from licensedesk.care.reminders import create_reminder
from licensedesk.core.demo_grace import create_demo_grace
from licensedesk.licenses.models import License
from licensedesk.monitoring import tokens
from licensedesk.monitoring.explain import offline_after_seconds, offline_reason
from licensedesk.monitoring.models import (
    SEVERITY,
    Health,
    HourlyStat,
    Installation,
    LatestReport,
    State,
    StateChange,
    Thresholds,
)
from licensedesk.monitoring.reports import StatusReport
from licensedesk.notifications import events
from licensedesk.notifications.models import NotificationProfile
from licensedesk.notifications.services import create_profile

# Demo installations don't report: the company's thresholds get a long report interval, so
# the demo shows every state for two days before offline detection takes them down.
DEMO_THRESHOLDS = Thresholds(report_interval=3600, offline_after=48)

# host name, final state, the states it went through over the last week (oldest first)
STORIES = [
    ("vms-harbor-01", State.HEALTHY, [State.HEALTHY]),
    ("vms-transit-02", State.ATTENTION, [State.HEALTHY, State.ATTENTION]),
    ("vms-retail-03", State.CRITICAL, [State.HEALTHY, State.ATTENTION, State.CRITICAL]),
    (
        "vms-hospital-04",
        State.OFFLINE,
        [State.HEALTHY, State.OFFLINE, State.HEALTHY, State.OFFLINE],
    ),
    ("vms-newsite-05", State.PENDING, []),
    ("vms-retired-06", State.UNKNOWN, [State.HEALTHY, State.UNKNOWN]),
]
REASONS = {
    State.ATTENTION: ["Recording Server 1 (recording server) is degraded", "host CPU at 93%"],
    State.CRITICAL: [
        "Recording Server 1 (recording server) is stopped",
        "storage of Recording Server 1 is 97% full",
    ],
    State.OFFLINE: [offline_reason(DEMO_THRESHOLDS)],
    State.UNKNOWN: ["monitoring disabled"],
}


def _report(hostname: str, state: str, now) -> dict:
    bad = state == State.CRITICAL
    return StatusReport.model_validate(
        {
            "sent_at": now.isoformat(),
            "product_version": "25.1",
            "hostname": hostname,
            "uptime_s": 6 * 86400,
            "host": {
                "cpu_pct": 93 if state == State.ATTENTION else 22,
                "memory_pct": 48,
                "disk_pct": 51,
            },
            "servers": [
                {"name": "Management Server", "role": "management", "state": "running"},
                {
                    "name": "Recording Server 1",
                    "role": "recording",
                    "state": "stopped"
                    if bad
                    else "degraded"
                    if state == State.ATTENTION
                    else "running",
                    "storage_used_gb": 3880 if bad else 2100,
                    "storage_free_gb": 120 if bad else 1900,
                },
            ],
            "devices": {
                "total": 32,
                "online": 20 if bad else 32,
                "offline": 12 if bad else 0,
                "not_recording": 12 if bad else 0,
            },
            "offline_devices": [f"Camera {i}" for i in range(1, 13)] if bad else [],
        }
    ).model_dump(mode="json")


def _hourly(installation, changes, now) -> list[HourlyStat]:
    """A week of hourly figures that tell the same story as the state changes: one report
    an hour (the demo's report interval) in the state of that hour, none while Offline."""
    stats = []
    for h in range(1, 24 * 7):
        hour = (now - timedelta(hours=h)).replace(minute=0, second=0, microsecond=0)
        state = next((s for at, s in reversed(changes) if at <= hour), State.PENDING)
        if state not in (State.HEALTHY, State.ATTENTION, State.CRITICAL):
            continue
        stats.append(
            HourlyStat(
                installation=installation,
                hour=hour,
                reports=1,
                **{state: 1},
                cpu_avg=93.0 if state == State.ATTENTION else 22.0,
                memory_avg=48.0,
                devices_offline_max=12 if state == State.CRITICAL else 0,
            )
        )
    return stats


@transaction.atomic
def create_demo_monitoring() -> None:
    admin = User.objects.get(email="licenseadmin@northwind.example")
    if not Installation.objects.filter(
        license__organization=admin.organization, hostname="vms-harbor-01"
    ).exists():
        _create_stories(admin)
    create_demo_grace(admin)


def _create_stories(admin) -> None:
    Thresholds.objects.update_or_create(
        organization=admin.organization,
        defaults={
            "report_interval": DEMO_THRESHOLDS.report_interval,
            "offline_after": DEMO_THRESHOLDS.offline_after,
        },
    )
    licenses = list(License.objects.filter(organization=admin.organization).order_by("id"))
    now = timezone.now()
    for i, (hostname, final, story) in enumerate(STORIES):
        lic = licenses[i % len(licenses)]
        installation = Installation.objects.create(
            license=lic, uuid=uuid.uuid4(), hostname=hostname, product_version="25.1"
        )
        if not story and final == State.PENDING:
            tokens.issue_token(admin, installation)
            continue
        start = now - timedelta(days=7)
        step = timedelta(days=7) / (len(story) + 1)
        previous, changes = State.PENDING, []
        for n, state in enumerate(story):
            at = start + step * (n + 1)
            StateChange.objects.create(
                installation=installation,
                from_state=previous,
                to_state=state,
                at=at,
                reasons=REASONS.get(state, []),
            )
            previous = state
            changes.append((at, state))
        HourlyStat.objects.bulk_create(_hourly(installation, changes, now))
        state_since = start + step * len(story)
        last_report = now - timedelta(seconds=30)
        if final == State.OFFLINE:  # silent for as long as its Offline reason says
            silence = timedelta(seconds=offline_after_seconds(DEMO_THRESHOLDS))
            last_report = state_since - silence
        health = Health.objects.create(
            installation=installation,
            organization_id=lic.organization_id,
            token_digest=tokens.digest(f"demo-{uuid.uuid4()}"),
            token_prefix="ldmon_demo",
            enabled=final != State.UNKNOWN,
            state=final,
            severity=SEVERITY[final],
            state_since=state_since,
            alerted_state=final,
            reasons=REASONS.get(final, []),
            last_report_at=last_report,
            product_version="25.1",
            hostname=hostname,
        )
        LatestReport.objects.create(health=health, report=_report(hostname, final, last_report))
    create_reminder(admin, {"scope": "all", "lead_times": [90, 30, 7, 0]})
    if not NotificationProfile.objects.filter(organization=admin.organization).exists():
        create_profile(
            admin,
            {
                "name": "Operations on call",
                "description": "Outages, devices in grace and Care endings",
                "events": [
                    events.CARE_ENDING,
                    events.INSTALLATION_OFFLINE,
                    events.INSTALLATION_CRITICAL,
                    events.INSTALLATION_ONLINE,
                    events.ACTIVATION_REFUSED,
                    events.GRACE_ENDING,
                    events.GRACE_EXPIRED,
                    events.CHANGES_USED_UP,
                ],
                "user_ids": [admin.pk],
                "extra_emails": ["oncall@northwind.example"],
            },
        )
