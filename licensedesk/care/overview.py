"""The Care overview: how many Care subscriptions end in each of the next 12 months, and the
windows a partner acts on (ending soon, ended lately: renewal opportunities)."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse

from licensedesk import access
from licensedesk.care.status import ENDING_WITHIN_DAYS, today

RENEWAL_DAYS = 90  # Care that ended this many days ago or less is a renewal opportunity


def licenses_link(**params) -> str:
    """The Licenses page narrowed by `params` (dates as ISO strings)."""
    query = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
    return f"{reverse('licenses:list')}?{urlencode(query)}"


def care_windows(user, on: date | None = None) -> dict:
    """{key: {count, url, first, last}} for Care ending within 30 and within 90 days (today
    included) and ended in the last 90 days, of the licenses the user may see: one query,
    read from the (company, Care end) index. Each url lists exactly the licenses counted."""
    on = on or today()
    windows = window_bounds(on)
    first = min(w[0] for w in windows.values())
    last = max(w[1] for w in windows.values())
    counts = (
        access.licenses_visible_to(user)
        .filter(care_ends_on__gte=first, care_ends_on__lte=last)
        .aggregate(**window_counts(windows))
    )
    return windows_counted(windows, counts)


def window_bounds(on: date) -> dict:
    """{key: (first day, last day, the list's order)} of the Care windows on `on`."""
    return {
        "ending_30": (on, on + timedelta(days=30), "care_end"),
        "ending_90": (on, on + timedelta(days=ENDING_WITHIN_DAYS), "care_end"),
        "ended_90": (on - timedelta(days=RENEWAL_DAYS), on - timedelta(days=1), "-care_end"),
    }


def window_counts(windows: dict) -> dict:
    """The aggregates that count licenses in each of `windows` (`window_bounds`), to pass
    to `aggregate()`, alone or beside others."""
    return {
        # The date, not the id: counted from an index that holds the Care end alone.
        key: Count("care_ends_on", filter=Q(care_ends_on__gte=start, care_ends_on__lte=end))
        for key, (start, end, _) in windows.items()
    }


def windows_counted(windows: dict, counts: dict) -> dict:
    """`care_windows`' answer from the counts of `window_counts`."""
    day = timedelta(days=1)
    return {
        key: {
            "count": counts[key],
            "first": start,
            "last": end,
            "url": licenses_link(care_ends_from=start, care_ends_until=end + day, ordering=order),
        }
        for key, (start, end, order) in windows.items()
    }


def month_starts(start: date, months: int = 12) -> list[date]:
    first = start.replace(day=1)
    return [
        date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(months)
    ]


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def care_endings_by_month(user, on: date | None = None) -> list[dict]:
    """[{month, count, ends_from, ends_until}] for the next 12 months (this one included), of
    the licenses the user may see: one grouped query."""
    on = on or today()
    months = month_starts(on)
    end = next_month(months[-1])
    counts = dict(
        access.licenses_visible_to(user)
        .filter(care_ends_on__gte=months[0], care_ends_on__lt=end)
        .annotate(month=TruncMonth("care_ends_on"))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    counts = {(m.date() if hasattr(m, "date") else m): n for m, n in counts.items()}
    top = max(counts.values(), default=0)
    rows = []
    for i, m in enumerate(months):
        count = counts.get(m, 0)
        height = round(180 * count / top) if top else 0
        # Coordinates of the SVG bar chart (60 px a month, bars 180 px high at most).
        rows.append(
            {
                "month": m,
                "count": count,
                "until": next_month(m),
                "x": i * 60 + 8,
                "cx": i * 60 + 30,
                "height": height,
                "y": 200 - height,
            }
        )
    return rows
