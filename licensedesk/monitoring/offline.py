"""Offline detection: an installation silent for longer than its company allows goes Offline
(run every 30 s by the `monitoring.watch` job)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from licensedesk.monitoring.explain import offline_after_seconds, offline_reason
from licensedesk.monitoring.models import SEVERITY, Health, State, StateChange, Thresholds
from licensedesk.monitoring.thresholds import thresholds_for


def detect_offline(now=None) -> int:
    """Installations silent for more than `offline_after` report intervals go Offline;
    returns how many did."""
    now = now or timezone.now()
    changed = 0
    watched = Health.objects.filter(enabled=True).exclude(
        state__in=[State.OFFLINE, State.PENDING, State.UNKNOWN]
    )
    # Companies grouped by their limits, which the reason spells out.
    limits: dict[tuple[int, int], list[int]] = {}
    for org_id in watched.values_list("organization_id", flat=True).distinct():
        t = thresholds_for(org_id)
        limits.setdefault((t.report_interval, t.offline_after), []).append(org_id)
    for (interval, missed), org_ids in limits.items():
        t = Thresholds(report_interval=interval, offline_after=missed)
        silent = watched.filter(
            organization_id__in=org_ids,
            last_report_at__lt=now - timedelta(seconds=offline_after_seconds(t)),
        )
        with transaction.atomic():
            found = list(
                silent.select_for_update(skip_locked=True).values_list(
                    "pk", "installation_id", "state"
                )
            )
            if not found:
                continue
            reason = [offline_reason(t)]
            StateChange.objects.bulk_create(
                [
                    StateChange(
                        installation_id=installation_id,
                        from_state=old,
                        to_state=State.OFFLINE,
                        at=now,
                        reasons=reason,
                    )
                    for _, installation_id, old in found
                ]
            )
            changed += Health.objects.filter(pk__in=[pk for pk, _, _ in found]).update(
                state=State.OFFLINE,
                severity=SEVERITY[State.OFFLINE],
                state_since=now,
                reasons=reason,
            )
    return changed
