from datetime import datetime, time

from django.utils import timezone

from licensedesk.core.ids import parse_id


def filter_events(events, params):
    """Narrow audit events by action (prefix), actor id or email, and a date range."""
    action = (params.get("action") or "").strip()
    if action:
        events = events.filter(action__startswith=action)
    actor = (params.get("actor") or "").strip()
    if parse_id(actor):
        events = events.filter(actor_id=parse_id(actor))
    elif actor:
        events = events.filter(actor_label__icontains=actor)
    since = _date(params.get("since"))
    if since:
        events = events.filter(
            created_at__gte=timezone.make_aware(datetime.combine(since, time.min))
        )
    until = _date(params.get("until"))
    if until:
        events = events.filter(
            created_at__lte=timezone.make_aware(datetime.combine(until, time.max))
        )
    return events


def _date(value):
    try:
        return datetime.strptime((value or "").strip(), "%Y-%m-%d").date()
    except ValueError:
        return None
