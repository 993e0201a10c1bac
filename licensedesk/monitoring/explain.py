"""The sentences that explain monitoring to people, built from the company's thresholds, so
that what a page or a reason says is what the monitoring does."""

UNITS = (("day", 86400), ("hour", 3600), ("minute", 60))


def span(seconds: int) -> str:
    """172800 -> "2 days", 180 -> "3 minutes", 90 -> "90 seconds": the largest unit that
    says it exactly."""
    seconds = int(seconds)
    for name, size in UNITS:
        if seconds >= size and seconds % size == 0:
            n = seconds // size
            return f"{n} {name}{'' if n == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def offline_after_seconds(t) -> int:
    return t.report_interval * t.offline_after


def offline_reason(t) -> str:
    """Why an installation went Offline, in the words of its thresholds `t`."""
    missed = t.offline_after
    intervals = f"{missed} report interval{'' if missed == 1 else 's'}"
    return (
        f"no report for more than {span(offline_after_seconds(t))} "
        f"({intervals} of {span(t.report_interval)})"
    )


def reporting(t, subject: str = "it") -> str:
    """How often an installation (`subject`) reports and when it counts as Offline and
    alerts."""
    hold = (
        f"a change alerts once it has held for {span(t.hold_seconds)}"
        if t.hold_seconds
        else "a change alerts at once"
    )
    return (
        f"{subject} reports every {span(t.report_interval)}, shows Offline after "
        f"{span(offline_after_seconds(t))} without a report, and {hold}"
    )


def elapsed(time) -> str:
    """A timedelta as people read it on a page: "3 min", "24 h", "6 h 30 min", "3 d 4 h"."""
    minutes = int(time.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        days, hours = divmod(hours, 24)
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min" if minutes else "under a minute"
