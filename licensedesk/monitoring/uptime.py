"""Uptime and the state timeline of one installation, from its state changes."""

from datetime import timedelta

from django.utils import timezone

from licensedesk.monitoring.models import State, StateChange


def timeline(installation, since, until) -> list[tuple]:
    """[(state, start, end)] covering since…until, from the state changes."""
    before = (
        StateChange.objects.filter(installation=installation, at__lt=since).order_by("-at").first()
    )
    state = before.to_state if before else None
    changes = list(
        StateChange.objects.filter(installation=installation, at__gte=since, at__lt=until)
        .order_by("at", "id")
        .values_list("at", "to_state")
    )
    segments, start = [], since
    for at, to_state in changes:
        if state is not None and at > start:
            segments.append((state, start, at))
        state, start = to_state, at
    if state is not None and until > start:
        segments.append((state, start, until))
    return segments


def uptime(installation, window: timedelta, now=None) -> float | None:
    """Share of the window in which the installation reported (not Offline), in %; None if
    it was not monitored then."""
    now = now or timezone.now()
    segments = [
        s
        for s in timeline(installation, now - window, now)
        if s[0] not in (State.PENDING, State.UNKNOWN)
    ]
    watched = sum((end - start).total_seconds() for _, start, end in segments)
    if not watched:
        return None
    down = sum(
        (end - start).total_seconds() for state, start, end in segments if state == State.OFFLINE
    )
    return round(100.0 * (watched - down) / watched, 2)
