"""The Care overview: how many Care subscriptions end in each of the next 12 months."""

from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth

from licensedesk import access
from licensedesk.care.status import today


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
