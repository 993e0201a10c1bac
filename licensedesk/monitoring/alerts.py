"""Alerts: a state change that held for the company's hold time is told to the notification
profiles (no flood when a system flaps: a change that doesn't hold is never alerted), unless
the installation is in maintenance."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from licensedesk.monitoring.maintenance import in_maintenance_q
from licensedesk.monitoring.models import Health, State
from licensedesk.monitoring.thresholds import thresholds_for
from licensedesk.notifications import events
from licensedesk.notifications.services import emit


def alert_events(old: str, new: str) -> list[str]:
    """The events of a change from state `old` to `new` that held long enough."""
    found = []
    if new == State.OFFLINE:
        found.append(events.INSTALLATION_OFFLINE)
    if old == State.OFFLINE and new in (State.HEALTHY, State.ATTENTION, State.CRITICAL):
        found.append(events.INSTALLATION_ONLINE)
    if new == State.CRITICAL:
        found.append(events.INSTALLATION_CRITICAL)
    if old == State.CRITICAL and new in (State.HEALTHY, State.ATTENTION):
        found.append(events.INSTALLATION_RECOVERED)
    return found


def send_alerts(now=None) -> int:
    """Emit the events of the state changes that held for their company's hold time; returns
    how many. Several workers may run it at once: each change is alerted once."""
    now = now or timezone.now()
    sent = 0
    # An installation in maintenance is not alerted; a change that still holds when the window
    # ends is alerted then, as `alerted_state` still says what was last told.
    unalerted = (
        Health.objects.filter(enabled=True)
        .exclude(state=F("alerted_state"))
        .exclude(in_maintenance_q(now))
    )
    for health in unalerted.select_related("installation__license"):
        hold = thresholds_for(health.organization_id).hold_seconds
        if (now - health.state_since).total_seconds() < hold:
            continue
        with transaction.atomic():
            locked = (
                Health.objects.select_for_update(skip_locked=True)
                .filter(pk=health.pk, state=health.state, alerted_state=health.alerted_state)
                .first()
            )
            if locked is None:
                continue  # another worker has it, or it changed meanwhile
            lic = health.installation.license
            for event in alert_events(health.alerted_state, health.state):
                emit(
                    event,
                    lic,
                    {
                        "installation": health.installation.hostname or health.hostname,
                        "installation_id": health.installation_id,
                        "state": health.state,
                        "since": health.state_since.isoformat(),
                        "reasons": health.reasons[:5],
                    },
                )
                sent += 1
            Health.objects.filter(pk=health.pk).update(alerted_state=health.state)
    return sent
