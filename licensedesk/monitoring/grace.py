"""Grace alerts: devices in grace stop recording when their grace period ends; the partner
hears it coming and hears when it happened (run every 30 s by the `monitoring.watch` job).

- Grace ending: each profile's lead days (default 7 and 1) before `grace_ends_at`, once per
  profile, installation and grace period (a period is known by its end: a later end starts
  a new one). A lead that was missed (no report yet, maintenance) is not sent late on its
  own: the nearest lead that is due stands for it, so a profile hears once per crossing.
- Grace expired: when a report shows more devices whose grace expired than were last told.
- Changes used up: when a report shows the changes without activation used up (and again
  only after they were free once more).

A maintenance window pauses them all, like the installation's other monitoring alerts. What
still holds when it ends is sent then: a grace end still ahead gets the lead that is due by
then; one that passed during the window gets no "ending" alert, but "grace expired" once a
report shows the devices stopped. Care reminders are never paused."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from licensedesk.monitoring.maintenance import in_maintenance_q
from licensedesk.monitoring.models import GraceFiring, Health
from licensedesk.notifications import events
from licensedesk.notifications.models import NotificationProfile
from licensedesk.notifications.services import emit


def send_grace_alerts(now=None) -> int:
    """Emit the due grace alerts; returns how many events. Safe from several workers."""
    now = now or timezone.now()
    return _grace_ending(now) + _grace_expired(now) + _changes_used_up(now)


def watched(now):
    """Monitored installations whose alerts are not paused."""
    return Health.objects.filter(enabled=True).exclude(in_maintenance_q(now))


def data_of(health: Health) -> dict:
    """What every grace alert tells about its installation (the webhooks' `data`)."""
    return {
        "installation": health.installation.hostname or health.hostname,
        "installation_id": health.installation_id,
        "devices": {
            "activated": health.devices_activated,
            "in_grace": health.devices_in_grace,
            "grace_expired": health.devices_grace_expired,
            "not_licensed": health.devices_not_licensed,
        },
        "grace_ends_at": health.grace_ends_at.isoformat() if health.grace_ends_at else None,
        "changes_without_activation": (
            {"used": health.changes_used, "allowed": health.changes_allowed}
            if health.changes_allowed is not None
            else None
        ),
    }


def due_lead(lead_days, grace_ends_at, now) -> int | None:
    """The nearest of `lead_days` that is due at `now` for a grace period ending then."""
    due = [d for d in lead_days if grace_ends_at - timedelta(days=d) <= now]
    return min(due) if due else None


def _subscribed(event: str) -> dict[int, list[NotificationProfile]]:
    """Unmuted profiles subscribed to `event`, by company (a handful per company)."""
    found: dict[int, list] = {}
    for profile in NotificationProfile.objects.filter(muted=False).only(
        "organization_id", "events", "grace_lead_days"
    ):
        if event in profile.events:
            found.setdefault(profile.organization_id, []).append(profile)
    return found


def _grace_ending(now) -> int:
    profiles = _subscribed(events.GRACE_ENDING)
    if not profiles:
        return 0
    furthest = max(max(p.grace_lead_days or [0]) for ps in profiles.values() for p in ps)
    in_grace = watched(now).filter(
        organization_id__in=profiles,
        devices_in_grace__gt=0,
        grace_ends_at__gt=now,
        grace_ends_at__lte=now + timedelta(days=furthest),
    )
    sent = 0
    for health in in_grace.select_related("installation__license"):
        due = {}
        for profile in profiles[health.organization_id]:
            lead = due_lead(profile.grace_lead_days, health.grace_ends_at, now)
            if lead is not None:
                due[profile.pk] = lead
        if due:
            sent += _fire_ending(health, due, now)
    return sent


def _fire_ending(health: Health, due: dict[int, int], now) -> int:
    """Fire the due leads (profile id -> lead days) not fired yet for this grace period."""
    with transaction.atomic():
        locked = (
            Health.objects.select_for_update(skip_locked=True)
            .filter(pk=health.pk, grace_ends_at=health.grace_ends_at, devices_in_grace__gt=0)
            .first()
        )
        if locked is None:
            return 0  # another worker has it, or a report moved the period meanwhile
        # The same period: this end, or a later one told before (an end only moves later
        # when a new period starts; one that moves earlier, a clock put right, is the same).
        fired = GraceFiring.objects.filter(
            installation_id=health.installation_id, grace_ends_at__gte=health.grace_ends_at
        ).values_list("profile_id", "lead_days")
        # A lead this near, or a nearer one, already told this profile about this period.
        told = {}
        for profile_id, lead in fired:
            told[profile_id] = min(lead, told.get(profile_id, lead))
        firing = {p: lead for p, lead in due.items() if p not in told or told[p] > lead}
        if not firing:
            return 0
        GraceFiring.objects.bulk_create(
            [
                GraceFiring(
                    installation_id=health.installation_id,
                    profile_id=profile_id,
                    grace_ends_at=health.grace_ends_at,
                    lead_days=lead,
                    fired_at=now,
                )
                for profile_id, lead in firing.items()
            ]
        )
        locked.installation = health.installation
        data = data_of(locked)
        data["hours_left"] = round((health.grace_ends_at - now).total_seconds() / 3600)
        emit(
            events.GRACE_ENDING,
            health.installation.license,
            data,
            profile_ids=sorted(firing),
        )
    return 1


def _grace_expired(now) -> int:
    # Fewer expired devices than last told (activated since): told again when more stop.
    Health.objects.filter(grace_expired_alerted__gt=F("devices_grace_expired")).update(
        grace_expired_alerted=F("devices_grace_expired")
    )
    rising = Q(devices_grace_expired__gt=F("grace_expired_alerted"))
    return _tell(rising, events.GRACE_EXPIRED, "grace_expired_alerted", now)


def used_up_q() -> Q:
    """Installations whose changes without activation are used up (none were allowed: not
    a change, the VMS's rule)."""
    return Q(changes_allowed__gt=0, changes_used__gte=F("changes_allowed"))


def _changes_used_up(now) -> int:
    Health.objects.filter(changes_used_up_alerted=True).exclude(used_up_q()).update(
        changes_used_up_alerted=False
    )
    used_up = used_up_q() & Q(changes_used_up_alerted=False)
    return _tell(used_up, events.CHANGES_USED_UP, "changes_used_up_alerted", now)


# What a told column takes once its alert went out.
TOLD = {"grace_expired_alerted": F("devices_grace_expired"), "changes_used_up_alerted": True}


def _tell(condition: Q, event: str, told: str, now) -> int:
    """Emit `event` for each watched Health row that meets `condition`, and mark it told,
    each row once however many workers run (the condition is checked again on the locked
    row, which a report may have changed meanwhile)."""
    sent = 0
    for health in watched(now).filter(condition).select_related("installation__license"):
        with transaction.atomic():
            locked = (
                Health.objects.select_for_update(skip_locked=True)
                .filter(condition, pk=health.pk)
                .first()
            )
            if locked is None:
                continue
            locked.installation = health.installation
            emit(event, health.installation.license, data_of(locked))
            Health.objects.filter(pk=health.pk).update(**{told: TOLD[told]})
            sent += 1
    return sent
