"""The Care overview: how many Care subscriptions of each tier end in each of the next 12
months, and the windows a partner acts on (ending soon, ended lately: renewal
opportunities)."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse

from licensedesk import access
from licensedesk.care import tiers
from licensedesk.care.status import ENDING_WITHIN_DAYS, today

RENEWAL_DAYS = 90  # Care that ended this many days ago or less is a renewal opportunity


def licenses_link(**params) -> str:
    """The Licenses page narrowed by `params` (dates as ISO strings)."""
    query = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
    return f"{reverse('licenses:list')}?{urlencode(query)}"


def care_windows(user, on: date | None = None) -> dict:
    """{tier: {key: {count, url, first, last}}}: for each Care tier, Care ending within 30 and
    within 90 days (today included) and ended in the last 90 days, of the licenses the user
    may see: one query, read from the (company, tier's end) indexes. Each url lists exactly
    the licenses counted."""
    on = on or today()
    windows = window_bounds(on)
    first = min(w[0] for w in windows.values())
    last = max(w[1] for w in windows.values())
    counts = (
        access.licenses_visible_to(user)
        .filter(tiers.ends_between_q(first, last + timedelta(days=1)))
        .aggregate(**window_counts(windows))
    )
    return windows_counted(windows, counts)


def window_bounds(on: date) -> dict:
    """{key: (first day, last day, the list's order: "" or "-")} of the Care windows on
    `on`."""
    return {
        "ending_30": (on, on + timedelta(days=30), ""),
        "ending_90": (on, on + timedelta(days=ENDING_WITHIN_DAYS), ""),
        "ended_90": (on - timedelta(days=RENEWAL_DAYS), on - timedelta(days=1), "-"),
    }


def window_counts(windows: dict) -> dict:
    """The aggregates that count licenses in each of `windows` (`window_bounds`) for each
    Care tier, to pass to `aggregate()`, alone or beside others."""
    counted = {}
    for tier in tiers.TIERS:
        ends = tiers.ends_field(tier)
        for key, (start, end, _) in windows.items():
            # The date, not the id: what the indexes of the tier's end hold.
            counted[f"{tier}_{key}"] = Count(ends, filter=Q(**{f"{ends}__range": (start, end)}))
    return counted


def windows_counted(windows: dict, counts: dict) -> dict:
    """`care_windows`' answer from the counts of `window_counts`."""
    day = timedelta(days=1)
    return {
        tier: {
            key: {
                "count": counts[f"{tier}_{key}"],
                "first": start,
                "last": end,
                "url": licenses_link(
                    care_tier=tier,
                    care_ends_from=start,
                    care_ends_until=end + day,
                    ordering=f"{order}care_{tier}_end",
                ),
            }
            for key, (start, end, order) in windows.items()
        }
        for tier in tiers.TIERS
    }


def month_starts(start: date, months: int = 12) -> list[date]:
    first = start.replace(day=1)
    return [
        date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(months)
    ]


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def care_endings_by_month(user, tier: str, on: date | None = None) -> list[dict]:
    """[{month, count, until, url, …}] of one Care tier for the next 12 months (this one
    included), of the licenses the user may see: one grouped query."""
    on = on or today()
    months = month_starts(on)
    end = next_month(months[-1])
    ends = tiers.ends_field(tier)
    counts = dict(
        access.licenses_visible_to(user)
        .filter(**{f"{ends}__gte": months[0], f"{ends}__lt": end})
        .annotate(month=TruncMonth(ends))
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
                "url": licenses_link(
                    care_tier=tier,
                    care_ends_from=m,
                    care_ends_until=next_month(m),
                    ordering=f"care_{tier}_end",
                ),
                "x": i * 60 + 8,
                "cx": i * 60 + 30,
                "height": height,
                "y": 200 - height,
            }
        )
    return rows
