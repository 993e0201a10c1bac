"""Uptime and the state timeline of one installation, from its state changes.

Uptime agrees with the states shown beside it: it is the share of the monitored time (Healthy,
Attention, Critical or Offline) in which the installation was Healthy or Attention. Critical
and Offline are down; Pending and monitoring turned off (Unknown) are not monitored time."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from licensedesk.monitoring import explain
from licensedesk.monitoring.models import State, StateChange

UP = (State.HEALTHY, State.ATTENTION)
MONITORED = (State.HEALTHY, State.ATTENTION, State.CRITICAL, State.OFFLINE)
WORST_FIRST = (State.CRITICAL, State.OFFLINE, State.ATTENTION, State.HEALTHY)
WINDOWS = (
    ("24 h", timedelta(days=1)),
    ("7 days", timedelta(days=7)),
    ("30 days", timedelta(days=30)),
)


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


def monitoring_started(installation) -> datetime | None:
    """When the installation's first report was taken (None before it)."""
    return (
        StateChange.objects.filter(installation=installation, to_state__in=MONITORED)
        .order_by("at", "id")
        .values_list("at", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Uptime:
    """Uptime over one window: `percent` is None when nothing of the window was monitored;
    `young` when monitoring started inside the window (the figure covers only the time
    since)."""

    label: str
    percent: float | None
    monitored: timedelta
    in_state: list[tuple[str, timedelta]]  # (state, time in it), worst state first
    started: datetime | None
    young: bool

    def time_in_each_state(self) -> list[tuple[str, str]]:
        """[(state label, time in it in words)], worst state first."""
        return [(State(state).label, explain.elapsed(time)) for state, time in self.in_state]


def measure(segments, label: str, since, started) -> Uptime:
    """The uptime of the `segments` (a timeline) from `since` on."""
    in_state = dict.fromkeys(WORST_FIRST, timedelta(0))
    for state, start, end in segments:
        if state in in_state and end > since:
            in_state[state] += end - max(start, since)
    monitored = sum(in_state.values(), timedelta(0))
    up = sum((in_state[s] for s in UP), timedelta(0))
    # Rounded down: 100.0 only when it was never down, as the timeline beside it shows.
    percent = math.floor(1000 * up / monitored) / 10 if monitored else None
    return Uptime(
        label=label,
        percent=percent,
        monitored=monitored,
        in_state=[(s, t) for s, t in in_state.items() if t],
        started=started,
        young=started is not None and started > since,
    )


def uptimes(installation, now=None, windows=WINDOWS) -> list[Uptime]:
    """The uptime over each window (shortest first), from one timeline of the longest."""
    now = now or timezone.now()
    longest = max(window for _, window in windows)
    segments = timeline(installation, now - longest, now)
    started = monitoring_started(installation)
    return [measure(segments, label, now - window, started) for label, window in windows]


def uptime(installation, window: timedelta, now=None) -> float | None:
    """Share of the window's monitored time in which the installation was Healthy or
    Attention, in % (rounded down to a tenth); None if it was not monitored then."""
    [found] = uptimes(installation, now, (("", window),))
    return found.percent
